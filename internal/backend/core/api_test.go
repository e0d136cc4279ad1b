package core

import (
	"slices"
	"testing"
	"time"
)

// violationFields lists field:rule of each violation, for compact comparisons.
func violationFields(vs []Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Field + ":" + v.Rule
	}
	return out
}

func TestDefaultAPISlug(t *testing.T) {
	tests := []struct {
		name    string
		version *string
		want    string
	}{
		{"MyAPI", ptr("v1"), "myapi-v1"},
		{"Orders API", ptr("1.0.0"), "orders-api-1-0-0"},
		{"  Billing -- Service  ", nil, "billing-service"},
		{"Ünïcode", nil, "n-code"},
		{"***", nil, "api"},
		{"x", ptr(""), "x"},
	}
	for _, tt := range tests {
		if got := DefaultAPISlug(tt.name, tt.version); got != tt.want {
			t.Errorf("DefaultAPISlug(%q, %v) = %q, want %q", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestValidateAPIInput(t *testing.T) {
	long := string(make([]byte, 256))
	tests := []struct {
		name   string
		in     APIInput
		create bool
		want   []string
	}{
		{"create needs a name", APIInput{}, true, []string{"name:required"}},
		{"update needs nothing", APIInput{}, false, []string{}},
		{"empty name", APIInput{Name: Val("")}, true, []string{"name:min_length"}},
		{"long version", APIInput{Name: Val("a"), Version: Val(long)}, true, []string{"version:max_length"}},
		{"slug pattern", APIInput{Name: Val("a"), Slug: Val("a b")}, true, []string{"slug:matches_regex"}},
		{"null slug is fine", APIInput{Name: Val("a"), Slug: Null[string]()}, true, []string{}},
		{"reserved label", APIInput{Name: Val("a"), Labels: Val(map[string]*string{"konnect-x": ptr("y")})}, true, []string{"labels.konnect-x:is_label"}},
		{"attribute key", APIInput{Name: Val("a"), Attributes: Val(map[string][]string{"Env": {"prod"}})}, true, []string{"attributes.Env:matches_regex"}},
		{"empty attribute", APIInput{Name: Val("a"), Attributes: Val(map[string][]string{"env": {}})}, true, []string{"attributes.env:min_items"}},
		{"attribute value", APIInput{Name: Val("a"), Attributes: Val(map[string][]string{"env": {"a,b"}})}, true, []string{"attributes.env:invalid"}},
		{"null attribute on create", APIInput{Name: Val("a"), Attributes: Val(map[string][]string{"env": nil})}, true, []string{"attributes.env:invalid"}},
		{"null attribute on update", APIInput{Attributes: Val(map[string][]string{"env": nil})}, false, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violationFields(ValidateAPIInput(tt.in, tt.create)); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewAndApplyAPIInput(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := NewAPI(APIInput{Name: Val("Orders"), Version: Val("v1"), Labels: Val(map[string]*string{"team": ptr("core")}),
		Attributes: Val(map[string][]string{"env": {"prod"}})}, "id", "eu", now)
	if a.Slug != "orders-v1" || a.Region != "eu" || a.Labels["team"] != "core" || !slices.Equal(a.Attributes["env"], []string{"prod"}) {
		t.Fatalf("NewAPI = %+v", a)
	}
	explicit := NewAPI(APIInput{Name: Val("Orders"), Slug: Val("orders")}, "id", "eu", now)
	if explicit.Slug != "orders" {
		t.Errorf("explicit slug %q, want orders", explicit.Slug)
	}

	later := now.Add(time.Hour)
	b := ApplyAPIInput(a, APIInput{Version: Val("v2"), Labels: Val(map[string]*string{"team": nil, "tier": ptr("gold")}),
		Attributes: Val(map[string][]string{"env": nil, "domain": {"web"}})}, later)
	if b.Slug != "orders-v1" {
		t.Errorf("slug changed to %q without being asked", b.Slug)
	}
	if *b.Version != "v2" || len(b.Labels) != 1 || b.Labels["tier"] != "gold" || len(b.Attributes) != 1 || b.Attributes["domain"] == nil {
		t.Errorf("ApplyAPIInput = %+v", b)
	}
	if !b.UpdatedAt.Equal(later) || !b.CreatedAt.Equal(now) {
		t.Errorf("timestamps %v / %v", b.CreatedAt, b.UpdatedAt)
	}
	c := ApplyAPIInput(b, APIInput{Slug: Null[string](), Version: Null[string]()}, later)
	if c.Slug != "orders" || c.Version != nil {
		t.Errorf("null slug and version: slug %q version %v, want the default slug of an unversioned API", c.Slug, c.Version)
	}
	if a.Labels["team"] != "core" {
		t.Error("ApplyAPIInput changed the labels of its input")
	}
}

func TestAPIVersionKeyAndLabel(t *testing.T) {
	if APIVersionKey(nil) != "" || APIVersionKey(ptr("v1")) != "v1" {
		t.Error("APIVersionKey")
	}
	if got := APILabel("Orders", ptr("v1")); got != `"Orders" version "v1"` {
		t.Errorf("APILabel = %s", got)
	}
	if got := APILabel("Orders", nil); got != `"Orders"` {
		t.Errorf("APILabel = %s", got)
	}
}
