package conformance

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// TestBackendConforms drives every endpoint the bundled backend serves through Middleware,
// successes and errors alike, and fails listing each response that the Konnect documents reject.
func TestBackendConforms(t *testing.T) {
	c, rec := startCheckedBackend(t)

	const missing = "00000000-0000-4000-8000-000000000000"

	// Portals.
	a := c.id(c.do("POST", "/v3/portals", 201, obj{
		"name": "conformance-a", "display_name": "Conformance A", "description": "Checked against the documents",
		"authentication_enabled": true, "auto_approve_applications": false, "default_api_visibility": "private",
		"labels": obj{"env": "test"},
	}))
	b := c.id(c.do("POST", "/us/v3/portals", 201, obj{"name": "conformance-b", "authentication_enabled": false}))
	eu := c.id(c.do("POST", "/eu/v3/portals", 201, obj{"name": "conformance-eu"}))
	c.do("GET", "/v3/portals", 200, nil)
	c.do("GET", "/v3/portals?page[size]=1&page[number]=2", 200, nil)
	c.do("GET", "/eu/v3/portals", 200, nil)
	c.do("GET", "/v3/portals?page[size]=0", 400, nil)
	c.do("GET", "/v3/portals?page[number]=x", 400, nil)
	c.do("GET", "/v3/portals/"+a, 200, nil)
	c.do("GET", "/eu/v3/portals/"+eu, 200, nil)
	c.do("PATCH", "/v3/portals/"+a, 200, obj{"display_name": "Renamed A", "auto_approve_developers": true, "labels": obj{"env": nil}})
	c.do("PATCH", "/v3/portals/"+b, 200, obj{"description": nil, "rbac_enabled": false})

	c.do("POST", "/v3/portals", 400, obj{"name": "conformance-c", "colour": "red"})
	c.do("POST", "/v3/portals", 400, obj{"display_name": "No name"})
	c.do("POST", "/v3/portals", 400, obj{"name": 42})
	c.do("PATCH", "/v3/portals/"+a, 400, obj{"default_api_visibility": "hidden"})
	c.doRaw("POST", "/v3/portals", 400, []byte(`{"name":`), c.token)
	c.doRawType("POST", "/v3/portals", 415, []byte(`name=conformance-form`), c.token, "application/x-www-form-urlencoded")
	c.doRaw("GET", "/v3/portals", 401, nil, "")
	c.doRaw("GET", "/v3/portals/"+a, 401, nil, "spat_"+randomAlnum(t, 40))
	c.doRaw("PATCH", "/v3/portals/"+a, 401, []byte(`{}`), "")
	c.do("GET", "/v3/portals/"+missing, 404, nil)
	c.do("GET", "/eu/v3/portals/"+a, 404, nil)
	c.do("PATCH", "/v3/portals/"+missing, 404, obj{"display_name": "x"})
	c.do("DELETE", "/v3/portals/"+missing, 404, nil)
	c.do("PATCH", "/v3/portals/"+b, 409, obj{"name": "conformance-a"})
	c.do("POST", "/v3/portals", 409, obj{"name": "conformance-a"})
	c.do("PATCH", "/v3/portals/"+a, 400, obj{"default_application_auth_strategy_id": missing})
	c.do("DELETE", "/v3/portals/"+a+"?force=maybe", 400, nil)

	// Authentication settings.
	c.do("GET", "/v3/portals/"+a+"/authentication-settings", 200, nil)
	c.do("PATCH", "/v3/portals/"+a+"/authentication-settings", 200, obj{"basic_auth_enabled": true, "konnect_mapping_enabled": false})
	c.do("GET", "/v3/portals/"+a+"/authentication-settings", 200, nil)
	// Kong's Terraform provider sends null for every setting it leaves unset.
	c.do("PATCH", "/v3/portals/"+a+"/authentication-settings", 200, obj{
		"basic_auth_enabled": true, "oidc_auth_enabled": nil, "saml_auth_enabled": nil, "oidc_team_mapping_enabled": nil,
		"konnect_mapping_enabled": nil, "idp_mapping_enabled": nil, "oidc_issuer": nil, "oidc_client_id": nil,
		"oidc_client_secret": nil, "oidc_scopes": nil, "oidc_claim_mappings": nil,
	})
	c.do("PATCH", "/v3/portals/"+a+"/authentication-settings", 400, obj{"basic_auth_enabled": "yes"})
	c.do("PATCH", "/v3/portals/"+a+"/authentication-settings", 400, obj{"password_rules": true})
	c.doRaw("GET", "/v3/portals/"+a+"/authentication-settings", 401, nil, "")
	c.do("GET", "/v3/portals/"+missing+"/authentication-settings", 404, nil)
	c.do("PATCH", "/v3/portals/"+missing+"/authentication-settings", 404, obj{"basic_auth_enabled": true})

	// Application auth strategies.
	key := c.id(c.do("POST", "/v2/application-auth-strategies", 201, obj{
		"name": "conformance-key", "display_name": "Key", "strategy_type": "key_auth",
		"configs": obj{"key-auth": obj{"key_names": []string{"apikey"}}}, "labels": obj{"team": "platform"},
	}))
	oidc := c.id(c.do("POST", "/v2/application-auth-strategies", 201, obj{
		"name": "conformance-oidc", "display_name": "OIDC", "strategy_type": "openid_connect",
		"configs": obj{"openid-connect": obj{
			"issuer": "https://idp.example.com/realms/dev", "credential_claim": []string{"sub"},
			"scopes": []string{"openid", "email"}, "auth_methods": []string{"client_credentials", "bearer"},
		}},
	}))
	c.do("GET", "/v2/application-auth-strategies", 200, nil)
	c.do("GET", "/v2/application-auth-strategies?page[size]=1&page[number]=1", 200, nil)
	c.do("GET", "/v2/application-auth-strategies?page[size]=-1", 400, nil)
	c.do("GET", "/v2/application-auth-strategies/"+key, 200, nil)
	c.do("GET", "/v2/application-auth-strategies/"+oidc, 200, nil)
	c.do("PATCH", "/v2/application-auth-strategies/"+key, 200, obj{
		"display_name": "Key v2", "configs": obj{"key-auth": obj{"key_names": []string{"apikey", "x-api-key"}}},
	})
	c.do("PATCH", "/v2/application-auth-strategies/"+oidc, 200, obj{
		"labels": obj{"team": "identity"}, "configs": obj{"openid-connect": obj{"scopes": []string{"openid"}}},
	})
	c.do("POST", "/v2/application-auth-strategies", 400, obj{"name": "bad", "display_name": "Bad", "strategy_type": "basic_auth", "configs": obj{}})
	c.do("POST", "/v2/application-auth-strategies", 400, obj{"name": "bad", "display_name": "Bad", "strategy_type": "key_auth", "configs": obj{"key-auth": obj{"key_names": []string{}}}})
	c.do("PATCH", "/v2/application-auth-strategies/"+key, 400, obj{"strategy_type": "openid_connect"})
	c.doRaw("GET", "/v2/application-auth-strategies", 401, nil, "")
	c.doRaw("POST", "/v2/application-auth-strategies", 401, []byte(`{}`), "")
	c.do("GET", "/v2/application-auth-strategies/"+missing, 404, nil)
	c.do("GET", "/eu/v2/application-auth-strategies/"+key, 404, nil)
	c.do("PATCH", "/v2/application-auth-strategies/"+missing, 404, obj{"display_name": "x"})
	c.do("PUT", "/v2/application-auth-strategies/"+oidc, 201, obj{
		"name": "conformance-oidc", "display_name": "OIDC v2", "strategy_type": "openid_connect", "labels": obj{"team": "identity"},
		"configs": obj{"openid-connect": obj{
			"issuer": "https://idp.example.com/realms/dev", "credential_claim": []string{"sub"},
			"scopes": []string{"openid"}, "auth_methods": []string{"bearer"},
		}},
	})
	c.do("PUT", "/v2/application-auth-strategies/"+oidc, 400, obj{"name": "x", "display_name": "X", "strategy_type": "key_auth", "configs": obj{"key-auth": obj{}}})
	c.do("PUT", "/v2/application-auth-strategies/"+missing, 404, obj{"name": "x", "display_name": "X", "strategy_type": "key_auth", "configs": obj{"key-auth": obj{}}})

	// A strategy that a portal uses as its default cannot be deleted.
	c.do("PATCH", "/v3/portals/"+a, 200, obj{"default_application_auth_strategy_id": key})
	c.do("DELETE", "/v2/application-auth-strategies/"+key, 409, nil)
	c.do("PATCH", "/v3/portals/"+a, 200, obj{"default_application_auth_strategy_id": nil})
	c.do("DELETE", "/v2/application-auth-strategies/"+key, 204, nil)
	c.do("DELETE", "/v2/application-auth-strategies/"+key, 404, nil)
	c.do("DELETE", "/v2/application-auth-strategies/"+oidc, 204, nil)
	c.do("GET", "/v2/application-auth-strategies/"+oidc, 404, nil)

	for _, p := range []string{"/v3/portals/" + a, "/v3/portals/" + b, "/eu/v3/portals/" + eu} {
		c.do("DELETE", p, 204, nil)
		c.do("DELETE", p, 404, nil)
	}
	c.do("GET", "/v3/portals/"+b, 404, nil)

	rec.Report(t)
	if got := rec.Checked(); got != c.sent {
		t.Errorf("%d responses were checked against the documents, want all %d sent: a route was not recognised", got, c.sent)
	}
}

// anyClientError as the wanted status accepts every 4xx, where the rules ask for a refusal
// without fixing its status.
const anyClientError = -1

// obj is a JSON object literal.
type obj = map[string]any

// client sends admin API requests to the backend under test.
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client // nil: http.DefaultClient
	sent  int
	// header is sent with every request, e.g. an Idempotency-Key.
	header http.Header
}

// do sends body as JSON with the admin token and reports a status other than want.
func (c *client) do(method, path string, want int, body obj) map[string]any {
	c.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.doRaw(method, path, want, raw, c.token)
}

// doRaw sends raw bytes as JSON with the given bearer token ("" sends none) and decodes a JSON
// reply.
func (c *client) doRaw(method, path string, want int, raw []byte, token string) map[string]any {
	c.t.Helper()
	return c.doRawType(method, path, want, raw, token, "application/json")
}

// doRawType is doRaw with the given request content type.
func (c *client) doRawType(method, path string, want int, raw []byte, token, contentType string) map[string]any {
	c.t.Helper()
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if raw != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for name, values := range c.header {
		req.Header[name] = values
	}
	hc := c.http
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	c.sent++
	data, err := io.ReadAll(resp.Body)
	if err := errors.Join(err, resp.Body.Close()); err != nil {
		c.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	if resp.StatusCode != want && (want != anyClientError || resp.StatusCode/100 != 4) {
		c.t.Errorf("%s %s: status %d, want %d; body: %s", method, path, resp.StatusCode, want, data)
	}
	var out map[string]any
	if len(data) > 0 && json.Unmarshal(data, &out) != nil {
		out = nil
	}
	return out
}

// id returns the id of a created object, stopping the test when creation failed.
func (c *client) id(m map[string]any) string {
	c.t.Helper()
	id, _ := m["id"].(string)
	if id == "" {
		c.t.Fatalf("created object has no id: %v", m)
	}
	return id
}

// startCheckedBackend starts the bundled backend on a temporary database behind Middleware, on
// 127.0.0.1:0, and returns an admin client of it and the recorder of the checked exchanges.
func startCheckedBackend(t *testing.T) (*client, *Recorder) {
	t.Helper()
	specs := SpecsFromEnv(t)
	token := "spat_" + randomAlnum(t, 40)
	srv, err := backend.New(t.Context(), backend.Config{DBPath: pgtest.DB(t), AdminToken: token})
	if err != nil {
		t.Fatalf("starting backend: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	h, rec := Middleware(specs, srv.Handler())
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &client{t: t, base: ts.URL, token: token}, rec
}

func randomAlnum(t *testing.T, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}
