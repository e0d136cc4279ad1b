package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestStrategyTypeChanged(t *testing.T) {
	attrTypes := map[string]attr.Type{"key_names": types.ListType{ElemType: types.StringType}}
	set := types.ObjectValueMust(attrTypes, map[string]attr.Value{
		"key_names": types.ListValueMust(types.StringType, []attr.Value{types.StringValue("apikey")}),
	})
	unset := types.ObjectNull(attrTypes)

	tests := []struct {
		name        string
		state, plan types.Object
		wantReplace bool
		wantWarning bool
	}{
		{"unchanged type", set, set, false, false},
		{"block removed by a type switch", set, unset, true, true},
		{"block added by a type switch", unset, set, true, false},
		{"other type on both sides", unset, unset, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.ObjectRequest{Path: path.Root("key_auth"), StateValue: tt.state, PlanValue: tt.plan}
			var resp objectplanmodifier.RequiresReplaceIfFuncResponse
			strategyTypeChanged(context.Background(), req, &resp)
			if resp.RequiresReplace != tt.wantReplace {
				t.Errorf("RequiresReplace = %v, want %v", resp.RequiresReplace, tt.wantReplace)
			}
			if got := warnings(resp.Diagnostics); (got > 0) != tt.wantWarning {
				t.Errorf("%d warnings, want warning %v: %v", got, tt.wantWarning, resp.Diagnostics)
			}
		})
	}
}

func warnings(diags diag.Diagnostics) int {
	n := 0
	for _, d := range diags {
		if d.Severity() == diag.SeverityWarning {
			n++
		}
	}
	return n
}
