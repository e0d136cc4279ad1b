package httpapi

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckJSONShape(t *testing.T) {
	members := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"k%d":%d`, i, i)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	items := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat(`"x",`, n), ",") + "]" }
	nest := func(depth int) string { return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth) }
	tests := []struct {
		name, body string
		field      string // "" when the shape is fine
	}{
		{"small object", `{"name":"x","labels":{"a":"b"},"tags":["a","b"]}`, ""},
		{"1000 members", members(1000), ""},
		{"1001 members", members(1001), "body"},
		{"1001 members in labels", `{"name":"x","labels":` + members(1001) + `}`, "labels"},
		{"1000 items", `{"tags":` + items(1000) + `}`, ""},
		{"1001 items", `{"tags":` + items(1001) + `}`, "tags"},
		{"1001 members inside an array", `{"config":{"rules":[{},` + members(1001) + `]}}`, "config.rules[1]"},
		{"32 levels", nest(32), ""},
		{"33 levels", nest(33), strings.TrimSuffix(strings.Repeat("a.", 32), ".")},
		{"33 levels of arrays", strings.Repeat("[", 33) + strings.Repeat("]", 33), strings.Repeat("[0]", 32)},
		{"string values are not keys", `{"a":"b","c":"d"}`, ""},
		{"syntax error is left to the decoder", `{"a":`, ""},
		{"scalar body", `42`, ""},
	}
	for _, tt := range tests {
		v := checkJSONShape([]byte(tt.body))
		switch {
		case tt.field == "" && v != nil:
			t.Errorf("%s: unexpected violation %+v", tt.name, *v)
		case tt.field != "" && v == nil:
			t.Errorf("%s: no violation, want one on %s", tt.name, tt.field)
		case tt.field != "" && v.Field != tt.field:
			t.Errorf("%s: violation on %q, want %q (%s)", tt.name, v.Field, tt.field, v.Reason)
		}
	}
}
