package conformance

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const (
	portalID   = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	validBody  = `{"id":"` + portalID + `","name":"dev","display_name":"Dev","description":null,"authentication_enabled":true,"rbac_enabled":false,"sipr_enabled":false,"default_api_visibility":"private","default_page_visibility":"private","default_application_auth_strategy_id":null,"auto_approve_developers":false,"auto_approve_applications":false,"default_domain":"dev.example.com","canonical_domain":"dev.example.com","labels":{},"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`
	problemNF  = `{"status":404,"title":"Not Found","instance":"kong:trace:1","detail":"portal not found"}`
	badRequest = `{"status":400,"title":"Invalid Request","instance":"kong:trace:2","detail":"bad force","invalid_parameters":[{"field":"force","rule":"invalid","reason":"must be true or false","source":"query"}]}`
	problemCT  = "application/problem+json"
	jsonCT     = "application/json"
	portalPath = "/eu/v3/portals/" + portalID
	appBody    = `{"id":"` + portalID + `","created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","name":"app","description":null,"auth_strategy":{"id":"` + portalID + `","name":"keys","credential_type":"key_auth","key_names":["apikey"]},"portal":{"id":"` + portalID + `"},"registration_count":0,"labels":{"env":"test"}}`
	devAuth    = "/portals/" + portalID + "/api/v3/developer/authenticate"
)

func TestCheckExchange(t *testing.T) {
	specs := SpecsFromEnv(t)
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		body        string
		wantErr     string // substring of the error; "" means the exchange conforms
	}{
		{"portal conforms", "GET", portalPath, 200, jsonCT, validBody, ""},
		{"content type parameters accepted", "GET", portalPath, 200, jsonCT + "; charset=utf-8", validBody, ""},
		{"required field missing", "GET", portalPath, 200, jsonCT,
			strings.Replace(validBody, `"name":"dev",`, "", 1), `property "name" is missing`},
		{"unknown field", "GET", portalPath, 200, jsonCT,
			strings.Replace(validBody, `"name":"dev",`, `"name":"dev","colour":"red",`, 1), `colour`},
		{"wrong type", "GET", portalPath, 200, jsonCT,
			strings.Replace(validBody, `"rbac_enabled":false`, `"rbac_enabled":"no"`, 1), `rbac_enabled`},
		{"id not a uuid", "GET", portalPath, 200, jsonCT,
			strings.Replace(validBody, portalID, "portal-1", 1), `/id`},
		{"enum violated", "GET", portalPath, 200, jsonCT,
			strings.Replace(validBody, `"default_api_visibility":"private"`, `"default_api_visibility":"hidden"`, 1), `default_api_visibility`},
		{"undocumented status", "GET", portalPath, 418, jsonCT, validBody, "status is not supported"},
		{"wrong content type", "GET", portalPath, 200, "text/plain", validBody, "Content-Type"},
		{"problem conforms", "GET", portalPath, 404, problemCT, problemNF, ""},
		{"problem served as plain json", "GET", portalPath, 404, jsonCT, problemNF, "Content-Type"},
		{"problem without status", "GET", portalPath, 404, problemCT,
			strings.Replace(problemNF, `"status":404,`, "", 1), `property "status" is missing`},
		{"problem with string status", "GET", portalPath, 404, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":"404"`, 1), `status`},
		{"delete conforms", "DELETE", portalPath, 204, "", "", ""},
		{"body on no-content", "DELETE", portalPath, 204, jsonCT, validBody, "declares no body"},
		{"list conforms", "GET", "/v3/portals", 200, jsonCT,
			`{"data":[` + validBody + `],"meta":{"page":{"number":1,"size":10,"total":1}}}`, ""},
		{"list without meta", "GET", "/v3/portals", 200, jsonCT, `{"data":[]}`, `property "meta" is missing`},
		// Allowances: the added status is accepted only with a body the named response allows,
		// and only for the requests it applies to.
		{"allowed 404 of auth settings", "GET", portalPath + "/authentication-settings", 404, problemCT, problemNF, ""},
		{"allowed 404 still validated", "PATCH", portalPath + "/authentication-settings", 404, problemCT,
			strings.Replace(problemNF, `"detail":"portal not found"`, `"detail":7`, 1), "#/components/responses/NotFound"},
		{"allowed 400 for invalid force", "DELETE", portalPath + "?force=yes", 400, problemCT, badRequest, ""},
		{"400 without invalid force", "DELETE", portalPath + "?force=true", 400, problemCT, badRequest, "status is not supported"},
		{"allowed 409 on portal delete", "DELETE", portalPath, 409, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":409`, 1), ""},
		{"allowed 404 for an unknown portal id", "GET", "/eu/portals/" + portalID + "/api/v3/developer/me", 404, problemCT, problemNF, ""},
		{"404 on a portal domain is not allowed", "GET", "/api/v3/developer/me", 404, problemCT, problemNF, "status is not supported"},
		{"allowed 409 on api create", "POST", "/v3/apis", 409, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":409`, 1), ""},
		{"allowed 429 on authenticate", "POST", devAuth, 429, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":429`, 1), ""},
		{"allowed 429 still validated", "POST", devAuth, 429, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":"429"`, 1), "#/components/responses/TooManyRequests"},
		{"409 on authenticate is not allowed", "POST", devAuth, 409, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":409`, 1), "status is not supported"},
		{"429 on api create is not allowed", "POST", "/v3/apis", 429, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":429`, 1), "status is not supported"},
		// Applications return their writeOnly labels; nothing else about them is relaxed.
		{"application returns its labels", "GET", portalPath + "/applications/" + portalID, 200, jsonCT, appBody, ""},
		{"application with invalid labels", "GET", portalPath + "/applications/" + portalID, 200, jsonCT,
			strings.Replace(appBody, `"env":"test"`, `"env":7`, 1), "labels"},
		{"application without labels", "GET", portalPath + "/applications/" + portalID, 200, jsonCT,
			strings.Replace(appBody, `,"labels":{"env":"test"}`, "", 1), "labels"},
		{"409 on portal get is not allowed", "GET", "/v3/portals/" + portalID, 409, problemCT,
			strings.Replace(problemNF, `"status":404`, `"status":409`, 1), "status is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			header := http.Header{}
			if tt.contentType != "" {
				header.Set("Content-Type", tt.contentType)
			}
			err := specs.CheckExchange(req, nil, tt.status, header, []byte(tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("conforming exchange reported: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("violation not reported, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not mention %q", err, tt.wantErr)
			case err != nil && errors.Is(err, ErrNotInSpec):
				t.Fatalf("documented exchange reported as not in spec: %v", err)
			}
		})
	}
}

func TestCheckExchangeRequests(t *testing.T) {
	specs := SpecsFromEnv(t)
	const authSettingsBody = `{"basic_auth_enabled":true,"oidc_auth_enabled":false,"saml_auth_enabled":false,"oidc_team_mapping_enabled":false,"idp_mapping_enabled":false,"konnect_mapping_enabled":false}`
	tests := []struct {
		name    string
		method  string
		path    string
		reqBody string
		status  int
		body    string
		wantErr string
	}{
		{"conforming create", "POST", "/v3/portals", `{"name":"dev"}`, 201, validBody, ""},
		{"unknown property accepted", "POST", "/v3/portals", `{"name":"dev","colour":"red"}`, 201, validBody, "colour"},
		{"unknown property refused", "POST", "/v3/portals", `{"name":"dev","colour":"red"}`, 400, badRequest, ""},
		{"enum violation accepted", "PATCH", portalPath, `{"default_api_visibility":"hidden"}`, 200, validBody, "default_api_visibility"},
		{"required property missing accepted", "POST", "/v3/portals", `{"display_name":"Dev"}`, 201, validBody, "name"},
		{"non-integer page size accepted", "GET", "/v3/portals?page[size]=ten", ``, 200,
			`{"data":[],"meta":{"page":{"number":1,"size":10,"total":0}}}`, "page[size]"},
		{"path id not a uuid accepted", "GET", "/v3/portals/dev", ``, 200, validBody, "portalId"},
		// Request extensions: the named properties are excused, nothing else is.
		{"application renamed", "PATCH", portalPath + "/applications/" + portalID, `{"name":"app","labels":{"env":"test"}}`, 200, appBody, ""},
		{"application extension beside an unknown property", "PATCH", portalPath + "/applications/" + portalID,
			`{"name":"app","colour":"red"}`, 200, appBody, "colour"},
		{"application owner still checked", "PATCH", portalPath + "/applications/" + portalID,
			`{"name":"app","owner":{"id":"nope","type":"developer"}}`, 200, appBody, "owner"},
		// Accepted nulls: null is excused for the listed properties, a wrong type is not.
		{"auth settings nulls", "PATCH", portalPath + "/authentication-settings",
			`{"basic_auth_enabled":true,"oidc_issuer":null,"oidc_scopes":null,"konnect_mapping_enabled":null}`, 200, authSettingsBody, ""},
		{"auth settings wrong type beside nulls", "PATCH", portalPath + "/authentication-settings",
			`{"oidc_issuer":null,"oidc_scopes":"openid"}`, 200, authSettingsBody, "oidc_scopes"},
		{"null elsewhere still checked", "PATCH", portalPath, `{"name":null}`, 200, validBody, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.reqBody))
			if tt.reqBody != "" {
				req.Header.Set("Content-Type", jsonCT)
			}
			ct := jsonCT
			if tt.status >= 400 {
				ct = problemCT
			}
			err := specs.CheckExchange(req, []byte(tt.reqBody), tt.status, http.Header{"Content-Type": {ct}}, []byte(tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("conforming exchange reported: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("accepted non-conforming request not reported, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && (!strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "request the document rejects")):
				t.Fatalf("error %q does not mention %q as a request problem", err, tt.wantErr)
			}
		})
	}
}

func TestCheckExchangeNotInSpec(t *testing.T) {
	specs := SpecsFromEnv(t)
	for _, path := range []string{"/healthz", "/us/v2/portals/" + portalID + "/api-keys", "/v3/no-such-thing"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		err := specs.CheckExchange(req, nil, 200, http.Header{"Content-Type": {jsonCT}}, []byte(`{}`))
		if !errors.Is(err, ErrNotInSpec) {
			t.Errorf("GET %s: got %v, want ErrNotInSpec", path, err)
		}
	}
}

func TestMiddlewareRecordsViolations(t *testing.T) {
	specs := SpecsFromEnv(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/portals/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != portalID {
			w.Header().Set("Content-Type", problemCT)
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"title":"Not Found"}`)) // status, instance and detail missing
			return
		}
		w.Header().Set("Content-Type", jsonCT)
		_, _ = w.Write([]byte(validBody))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	})
	h, rec := Middleware(specs, mux)
	srv := httptest.NewServer(h)
	defer srv.Close()

	if status, body := get(t, srv.URL+"/v3/portals/"+portalID); status != 200 || body != validBody {
		t.Fatalf("response not passed through: %d %s", status, body)
	}
	get(t, srv.URL+"/healthz")
	if got := rec.Checked(); got != 1 || len(rec.Violations()) != 0 {
		t.Fatalf("checked %d, violations %v; want 1 checked (healthz skipped), none violated", got, rec.Violations())
	}

	missing := "3fa85f64-5717-4562-b3fc-000000000000"
	if status, _ := get(t, srv.URL+"/eu/v3/portals/"+missing); status != http.StatusNotFound {
		t.Fatalf("status = %d, want 404 from the mux", status)
	}
	if status, _ := get(t, srv.URL+"/v3/portals/"+missing); status != http.StatusNotFound {
		t.Fatalf("status = %d, want 404 passed through", status)
	}
	vs := rec.Violations()
	if rec.Checked() != 3 || len(vs) != 2 {
		t.Fatalf("checked %d, violations %v; want 3 checked, 2 violations", rec.Checked(), vs)
	}
	// ServeMux answers paths it does not know in text/plain, which the document does not allow.
	if v := vs[0]; v.Path != "/eu/v3/portals/"+missing || v.Status != 404 || !strings.Contains(v.Err.Error(), "Content-Type") {
		t.Errorf("first violation = %s", v)
	}
	if v := vs[1]; v.Method != http.MethodGet || v.Path != "/v3/portals/"+missing || v.Status != 404 ||
		!strings.Contains(v.Err.Error(), `"status" is missing`) || !strings.Contains(v.Err.Error(), "get-portal") {
		t.Errorf("second violation = %s", v)
	}

	rt := &recordingTB{TB: t}
	rec.Report(rt)
	if !rt.failed || !strings.Contains(rt.msg, "2 of 3 checked responses") || !strings.Contains(rt.msg, "/v3/portals/"+missing) {
		t.Errorf("Report wrote %q (failed=%v)", rt.msg, rt.failed)
	}
}

// recordingTB captures what Report writes instead of failing the real test.
type recordingTB struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Error(args ...any) {
	r.failed = true
	r.msg = fmt.Sprint(args...)
}

func get(t *testing.T, url string) (status int, body string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	if err := errors.Join(err, resp.Body.Close()); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(raw)
}

// TestCheckExchangeConcurrent lets the race detector see parallel checks, as parallel
// acceptance tests make them through one Middleware.
func TestCheckExchangeConcurrent(t *testing.T) {
	specs := SpecsFromEnv(t)
	body := strings.Replace(validBody, `"labels":{}`, `"labels":{"env":"test","team":"platform"}`, 1)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPatch, portalPath, strings.NewReader(`{"labels":{"env":"test"}}`))
			req.Header.Set("Content-Type", jsonCT)
			errs <- specs.CheckExchange(req, []byte(`{"labels":{"env":"test"}}`), 200, http.Header{"Content-Type": {jsonCT}}, []byte(body))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
