package provider

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestSplitImportID(t *testing.T) {
	tests := []struct {
		id   string
		n    int
		want []string
	}{
		{"p/d", 2, []string{"p", "d"}},
		{"p/a/r", 3, []string{"p", "a", "r"}},
		{"p", 2, nil},
		{"p/a/r", 2, nil},
		{"p//r", 3, nil},
		{"/d", 2, nil},
		{"", 2, nil},
	}
	for _, tt := range tests {
		got, ok := splitImportID(tt.id, tt.n)
		if ok != (tt.want != nil) || len(got) != len(tt.want) {
			t.Errorf("splitImportID(%q, %d) = %v, %v", tt.id, tt.n, got, ok)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("splitImportID(%q, %d) = %v, want %v", tt.id, tt.n, got, tt.want)
			}
		}
	}
}

func TestExpiryValue(t *testing.T) {
	at := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		prior   types.String
		expires *time.Time
		want    types.String
	}{
		{"no expiry", types.StringValue("2031-01-01T00:00:00Z"), nil, types.StringNull()},
		{"unknown prior", types.StringUnknown(), &at, types.StringValue("2031-01-01T00:00:00Z")},
		{"same instant, other offset", types.StringValue("2031-01-01T01:00:00+01:00"), &at, types.StringValue("2031-01-01T01:00:00+01:00")},
		{"other instant", types.StringValue("2030-01-01T00:00:00Z"), &at, types.StringValue("2031-01-01T00:00:00Z")},
	}
	for _, tt := range tests {
		if got := expiryValue(tt.prior, tt.expires); !got.Equal(tt.want) {
			t.Errorf("%s: expiryValue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestApplicationUpdateRequest(t *testing.T) {
	ctx := context.Background()
	state := applicationResourceModel{
		Name: types.StringValue("billing"), DeveloperID: types.StringValue("dev-a"),
		Labels: types.MapValueMust(types.StringType, map[string]attr.Value{"team": types.StringValue("x")}),
	}
	tests := []struct {
		name string
		edit func(*applicationResourceModel)
		want string
	}{
		{"nothing", func(*applicationResourceModel) {}, `{}`},
		{"rename", func(m *applicationResourceModel) { m.Name = types.StringValue("billing-2") }, `{"name":"billing-2"}`},
		{"new owner", func(m *applicationResourceModel) { m.DeveloperID = types.StringValue("dev-b") },
			`{"owner":{"type":"developer","id":"dev-b"}}`},
		{"labels removed", func(m *applicationResourceModel) { m.Labels = types.MapNull(types.StringType) }, `{"labels":{"team":null}}`},
	}
	for _, tt := range tests {
		plan := state
		tt.edit(&plan)
		req, diags := applicationUpdateRequest(ctx, state, plan)
		if diags.HasError() {
			t.Fatalf("%s: %v", tt.name, diags)
		}
		got, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: body %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestApplicationFromAPI(t *testing.T) {
	desc := "set by the developer"
	m := applicationResourceModel{Labels: types.MapValueMust(types.StringType, map[string]attr.Value{})}
	diags := m.fromAPI(context.Background(), &client.Application{
		ID: "app", Name: "billing", Description: &desc, Portal: client.ObjectRef{ID: "portal"},
		Owner: client.ApplicationOwner{Type: "developer", ID: "dev"}, AuthStrategy: client.ApplicationAuthStrategy{ID: "strategy"},
		CreatedAt: time.Date(2030, 5, 6, 7, 8, 9, 123e6, time.UTC),
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.ValueString() != "app" || m.PortalID.ValueString() != "portal" || m.DeveloperID.ValueString() != "dev" ||
		m.AuthStrategyID.ValueString() != "strategy" || m.Description.ValueString() != desc || m.CreatedAt.ValueString() != "2030-05-06T07:08:09Z" {
		t.Errorf("model: %+v", m)
	}
	// No labels keep the configured empty map rather than turning it into null.
	if m.Labels.IsNull() || len(m.Labels.Elements()) != 0 {
		t.Errorf("labels: %v", m.Labels)
	}
}
