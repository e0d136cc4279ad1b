package provider

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestWireFieldsAttribute(t *testing.T) {
	fields := wireFields{
		"owner.id":                   path.Root("developer_id"),
		"configs.key-auth.key_names": path.Root("key_auth").AtName("key_names"),
		"auth_strategy_ids":          path.Root("auth_strategy_id"),
		"auth_strategy_ids[0]":       path.Root("auth_strategy_id"),
	}
	tests := []struct {
		field, path, name string
		ok                bool
	}{
		{"owner.id", "developer_id", "developer_id", true},
		{"configs.key-auth.key_names[1]", "key_auth.key_names", "key_auth.key_names[1]", true},
		{"auth_strategy_ids[0]", "auth_strategy_id", "auth_strategy_id", true},
		{"auth_strategy_ids", "auth_strategy_id", "auth_strategy_id", true},
		{"owner", "", "", false},
		{"owner.type", "", "", false},
		{"name", "", "", false},
	}
	for _, tt := range tests {
		p, name, ok := fields.attribute(tt.field)
		if ok != tt.ok || (ok && (p.String() != tt.path || name != tt.name)) {
			t.Errorf("attribute(%q) = %q, %q, %v; want %q, %q, %v", tt.field, p, name, ok, tt.path, tt.name, tt.ok)
		}
	}
}

func TestWireFieldsAddAPIError(t *testing.T) {
	fields := wireFields{"owner.id": path.Root("developer_id")}
	badRequest := func(params ...client.InvalidParameter) error {
		return &client.APIError{StatusCode: http.StatusBadRequest, Detail: "Invalid Parameters", InvalidParameters: params}
	}
	ownerID := client.InvalidParameter{Field: "owner.id", Rule: "missing_reference", Reason: "no developer with id d1 exists on portal p1"}
	name := client.InvalidParameter{Field: "name", Rule: "required", Reason: `"name" is required`}

	t.Run("mapped field on its attribute", func(t *testing.T) {
		var diags diag.Diagnostics
		fields.addAPIError(&diags, "Unable to create application", "Application \"a\"", badRequest(ownerID))
		if len(diags) != 1 {
			t.Fatalf("got %d diagnostics, want 1: %v", len(diags), diags)
		}
		d, ok := diags[0].(diag.DiagnosticWithPath)
		if !ok || !d.Path().Equal(path.Root("developer_id")) {
			t.Fatalf("diagnostic %v is not on developer_id", diags[0])
		}
		if got := d.Detail(); !strings.Contains(got, "developer_id: no developer with id d1 exists on portal p1") || strings.Contains(got, "owner.id") {
			t.Errorf("detail = %q, want the attribute name and the server's reason", got)
		}
	})
	t.Run("unmapped fields keep the server's names", func(t *testing.T) {
		var diags diag.Diagnostics
		fields.addAPIError(&diags, "Unable to create application", "Application \"a\"", badRequest(ownerID, name))
		if len(diags) != 2 {
			t.Fatalf("got %d diagnostics, want 2: %v", len(diags), diags)
		}
		if _, ok := diags[1].(diag.DiagnosticWithPath); ok {
			t.Errorf("the error for unmapped fields has an attribute path: %v", diags[1])
		}
		if got := diags[1].Detail(); !strings.Contains(got, `name: "name" is required`) || strings.Contains(got, "owner.id") {
			t.Errorf("detail = %q, want only the unmapped field", got)
		}
	})
	t.Run("a refusal that is not the value's fault", func(t *testing.T) {
		var diags diag.Diagnostics
		outdated := client.InvalidParameter{Field: "service.control_plane_id", Rule: "invalid",
			Reason: "node dp-old (n1) runs gateway 3.5.0; application auth needs 3.6 or later: upgrade or remove that node before linking"}
		serviceLinkWireFields.addAPIError(&diags, "Unable to link API to gateway service", "API a1", badRequest(outdated))
		if len(diags) != 1 {
			t.Fatalf("got %d diagnostics, want 1: %v", len(diags), diags)
		}
		got := diags[0].Detail()
		if !strings.Contains(got, "dp-old") || !strings.Contains(got, "3.5.0") || !strings.Contains(got, "3.6 or later") {
			t.Errorf("detail = %q, want the node, its version and the version needed", got)
		}
		if strings.Contains(got, "Correct control_plane_id") {
			t.Errorf("detail = %q tells to correct a control_plane_id that is right", got)
		}
	})
	t.Run("other errors unchanged", func(t *testing.T) {
		var diags diag.Diagnostics
		fields.addAPIError(&diags, "Unable to create application", "Application \"a\"", errors.New("boom"))
		if len(diags) != 1 || diags[0].Detail() != `Application "a": boom` {
			t.Errorf("got %v", diags)
		}
	})
}
