package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestResolveSettings(t *testing.T) {
	env := func(vars map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
	null := providerModel{
		ServerURL: types.StringNull(), Region: types.StringNull(), Token: types.StringNull(),
		MaxRetries: types.Int64Null(), RequestTimeout: types.StringNull(),
	}
	full := map[string]string{
		EnvServerURL: "https://{region}.api.example.com", EnvToken: "kpat_env", EnvRegion: "eu",
		EnvMaxRetries: "2", EnvRequestTimeout: "5s",
	}

	t.Run("environment", func(t *testing.T) {
		s, diags := resolveSettings(null, env(full))
		if diags.HasError() {
			t.Fatal(diags)
		}
		want := settings{serverURL: full[EnvServerURL], region: "eu", token: "kpat_env", maxRetries: 2, requestTimeout: 5 * time.Second}
		if s != want {
			t.Errorf("settings = %+v, want %+v", s, want)
		}
	})

	t.Run("configuration wins", func(t *testing.T) {
		cfg := providerModel{
			ServerURL: types.StringValue("http://127.0.0.1:1/{region}"), Region: types.StringValue("au"),
			Token: types.StringValue("kpat_cfg"), MaxRetries: types.Int64Value(0), RequestTimeout: types.StringValue("1m"),
		}
		s, diags := resolveSettings(cfg, env(full))
		if diags.HasError() {
			t.Fatal(diags)
		}
		want := settings{serverURL: "http://127.0.0.1:1/{region}", region: "au", token: "kpat_cfg", maxRetries: -1, requestTimeout: time.Minute}
		if s != want {
			t.Errorf("settings = %+v, want %+v", s, want)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		s, diags := resolveSettings(null, env(map[string]string{EnvServerURL: "https://api.example.com", EnvToken: "kpat_x"}))
		if diags.HasError() {
			t.Fatal(diags)
		}
		if s.region != "us" || s.maxRetries != 4 || s.requestTimeout != 30*time.Second {
			t.Errorf("defaults = %+v", s)
		}
	})

	t.Run("errors name the attribute", func(t *testing.T) {
		_, diags := resolveSettings(null, env(map[string]string{
			EnvRegion: "mars", EnvMaxRetries: "many", EnvRequestTimeout: "0s",
		}))
		var got []string
		for _, d := range diags.Errors() {
			got = append(got, d.Summary())
		}
		want := []string{"Invalid region", "Missing server URL", "Missing API token", "Invalid max_retries", "Invalid request timeout"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("errors = %q, want %q", got, want)
		}
	})
}
