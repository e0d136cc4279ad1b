package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckTokenShape(t *testing.T) {
	tests := map[string]struct {
		token string
		want  string // "" when the shape is accepted
	}{
		"system account":    {"spat_0123456789abcdefghijABCDEFGHIJ", ""},
		"personal":          {"kpat_abc_DEF_123", ""},
		"trailing newline":  {"spat_0123456789abcdefghij\n", "spaces or line breaks"},
		"bearer prefix":     {"Bearer spat_0123456789abcdefghij", "spaces or line breaks"},
		"inner space":       {"spat_0123 456789", "spaces or line breaks"},
		"other secret":      {"ghp_0123456789abcdefghij", "does not start with kpat_ or spat_"},
		"upper-case prefix": {"SPAT_0123456789abcdefghij", "does not start with kpat_ or spat_"},
		"dash":              {"spat-0123456789abcdefghij", "does not start with kpat_ or spat_"},
		"prefix only":       {"kpat_", "nothing after its prefix kpat_"},
		"quoted":            {`spat_0123456789abcdefghij"`, `the character '"'`},
		"non-ascii":         {"spat_0123456789é", "the character 'é'"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := checkTokenShape(tt.token)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkTokenShape(%q) = %v, want nil", tt.token, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkTokenShape(%q) = %v, want an error containing %q", tt.token, err, tt.want)
			}
		})
	}
}

// A malformed token is reported on the token attribute, naming where it came from and what a
// token looks like.
func TestResolveSettingsTokenShape(t *testing.T) {
	cfg := providerModel{
		ServerURL: types.StringValue("http://127.0.0.1:1/{region}"), Region: types.StringNull(),
		Token: types.StringNull(), MaxRetries: types.Int64Null(), RequestTimeout: types.StringNull(),
	}
	env := func(k string) (string, bool) {
		if k == EnvToken {
			return "spat_0123456789abcdefghij\n", true
		}
		return "", false
	}
	_, diags := resolveSettings(cfg, env)
	if diags.ErrorsCount() != 1 {
		t.Fatalf("diagnostics = %v, want one error", diags)
	}
	d := diags.Errors()[0]
	if d.Summary() != "Invalid API token" {
		t.Errorf("summary = %q", d.Summary())
	}
	for _, want := range []string{EnvToken, "line breaks", "starts with kpat_"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail %q does not contain %q", d.Detail(), want)
		}
	}
	withPath, ok := d.(interface{ Path() path.Path })
	if !ok || !withPath.Path().Equal(path.Root("token")) {
		t.Errorf("diagnostic is not on the token attribute: %v", d)
	}
}
