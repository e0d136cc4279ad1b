package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
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

// Only a 401 fails the configuration: a server without /v3/users/me, or one that cannot be
// reached, is left for the resources' own requests to report.
func TestCheckToken(t *testing.T) {
	tests := map[string]struct {
		status int // 0: no server listening
		errors int
	}{
		"accepted":         {http.StatusOK, 0},
		"rejected":         {http.StatusUnauthorized, 1},
		"no such endpoint": {http.StatusNotFound, 0},
		"forbidden":        {http.StatusForbidden, 0},
		"unreachable":      {0, 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/eu/v3/users/me" {
					t.Errorf("path = %s", r.URL.Path)
				}
				if tt.status == http.StatusOK {
					_, _ = w.Write([]byte(`{"id":"u1","active":true}`))
					return
				}
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(tt.status)
				_, _ = fmt.Fprintf(w, `{"status":%d,"title":"x","detail":"token revoked"}`, tt.status)
			}))
			url := srv.URL
			if tt.status == 0 {
				srv.Close()
			} else {
				defer srv.Close()
			}
			c, err := client.New(client.Config{ServerURL: url + "/{region}", Region: "eu", Token: "spat_x", MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			var diags diag.Diagnostics
			checkToken(context.Background(), c, &diags)
			if diags.ErrorsCount() != tt.errors {
				t.Fatalf("diagnostics = %v, want %d errors", diags, tt.errors)
			}
			if tt.errors == 1 && !strings.Contains(diags.Errors()[0].Detail(), "token revoked") {
				t.Errorf("detail %q does not carry the server's detail", diags.Errors()[0].Detail())
			}
		})
	}
}
