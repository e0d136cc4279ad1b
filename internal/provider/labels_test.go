package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestReservedLabelKeyValidator(t *testing.T) {
	tests := []struct {
		key      string
		reserved bool
	}{
		{"env", false},
		{"KONGCTL-namespace", false},
		{"KONGCTL-protected", false},
		{"Konnect-team", false},
		{"kong-x", true},
		{"konnect", true},
		{"mesh-zone", true},
		{"kicks", true},
		{"_hidden", true},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("labels"), ConfigValue: types.StringValue(tt.key)}
			var resp validator.StringResponse
			reservedLabelKeyValidator{}.ValidateString(context.Background(), req, &resp)
			if resp.Diagnostics.HasError() != tt.reserved {
				t.Errorf("key %q: diagnostics %v, want reserved %v", tt.key, resp.Diagnostics, tt.reserved)
			}
		})
	}
}
