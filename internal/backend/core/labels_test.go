package core

import (
	"fmt"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestValidateLabels(t *testing.T) {
	many := map[string]*string{}
	for i := range 51 {
		many[fmt.Sprintf("k%d", i)] = ptr("v")
	}
	tests := []struct {
		name      string
		labels    map[string]*string
		allowNull bool
		field     string // "" when valid
		rule      string
	}{
		{"valid", map[string]*string{"env": ptr("prod"), "team.a_b-c": ptr("x1")}, false, "", ""},
		{"reserved kong", map[string]*string{"kong-x": ptr("v")}, false, "labels.kong-x", "is_label"},
		{"reserved konnect", map[string]*string{"konnect": ptr("v")}, false, "labels.konnect", "is_label"},
		{"kongctl's upper-case keys", map[string]*string{"KONGCTL-namespace": ptr("team-a"), "KONGCTL-protected": ptr("true")}, false, "", ""},
		{"reserved prefixes are lower case", map[string]*string{"Konnect": ptr("v"), "Mesh-x": ptr("v")}, false, "", ""},
		{"reserved mesh", map[string]*string{"mesh": ptr("v")}, false, "labels.mesh", "is_label"},
		{"reserved kic", map[string]*string{"kicks": ptr("v")}, false, "labels.kicks", "is_label"},
		{"reserved underscore", map[string]*string{"_x": ptr("v")}, false, "labels._x", "is_label"},
		{"key too long", map[string]*string{strings.Repeat("k", 64): ptr("v")}, false, "labels." + strings.Repeat("k", 64), "is_label"},
		{"key with space", map[string]*string{"a b": ptr("v")}, false, "labels.a b", "is_label"},
		{"empty value", map[string]*string{"env": ptr("")}, false, "labels.env", "is_label"},
		{"value ends with dash", map[string]*string{"env": ptr("prod-")}, false, "labels.env", "is_label"},
		{"value too long", map[string]*string{"env": ptr(strings.Repeat("v", 64))}, false, "labels.env", "is_label"},
		{"null on create", map[string]*string{"env": nil}, false, "labels.env", "is_label"},
		{"null on update", map[string]*string{"env": nil}, true, "", ""},
		{"too many", many, false, "labels", "max_items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := ValidateLabels("labels", tt.labels, tt.allowNull)
			if tt.field == "" {
				if len(vs) != 0 {
					t.Fatalf("unexpected violations %+v", vs)
				}
				return
			}
			if len(vs) == 0 || vs[0].Field != tt.field || vs[0].Rule != tt.rule {
				t.Fatalf("got %+v, want field %s rule %s", vs, tt.field, tt.rule)
			}
		})
	}
}

func TestMergeLabels(t *testing.T) {
	got := MergeLabels(map[string]string{"a": "1", "b": "2"}, map[string]*string{"a": nil, "c": ptr("3"), "b": ptr("20")})
	if fmt.Sprint(got) != "map[b:20 c:3]" {
		t.Errorf("MergeLabels = %v", got)
	}
	if got := MergeLabels(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("MergeLabels(nil, nil) = %#v, want empty map", got)
	}
}

func TestValidateMergedLabels(t *testing.T) {
	labels := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	if vs := ValidateMergedLabels("labels", labels(50)); len(vs) != 0 {
		t.Errorf("50 labels: %+v", vs)
	}
	vs := ValidateMergedLabels("labels", labels(51))
	if len(vs) != 1 || vs[0].Field != "labels" || vs[0].Rule != "max_items" || *vs[0].Maximum != 50 ||
		!strings.Contains(vs[0].Reason, "51 labels") {
		t.Errorf("51 labels: %+v", vs)
	}
}
