package backend_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// startPlainServer starts the backend like startServer but without the conformance checks,
// whose recorder reads every body in full first: the tests here send bodies that are cut off,
// stalled or far too large, and must reach the backend as they are.
func startPlainServer(t *testing.T) *testServer {
	t.Helper()
	dbPath := pgtest.DB(t)
	srv, err := backend.New(context.Background(), backend.Config{DBPath: dbPath, AdminToken: testToken, PasswordIterations: 1000})
	if err != nil {
		t.Fatalf("backend.New: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Listener = backend.Listener(hs.Listener) // as serve listens
	hs.Start()
	ts := &testServer{t: t, url: hs.URL, dbPath: dbPath, srv: srv, http: hs}
	t.Cleanup(ts.stop)
	return ts
}

// rawExchange writes raw to the server as it is, closes the writing half when halfClose is set
// (a client that ends its body early), and reads one response.
func rawExchange(t *testing.T, ts *testServer, raw string, halfClose bool) (status int, header http.Header, body []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }() // the answer is read; a failed close changes nothing
	// A bound for a test that would otherwise hang; the server answers long before it.
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	if halfClose {
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	body, err = io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

// checkProblem asserts a problem+json answer with status and the fields every problem has.
func checkProblem(t *testing.T, what string, status int, header http.Header, body []byte) map[string]any {
	t.Helper()
	r := response{status: status, header: header, raw: body}
	if err := json.Unmarshal(body, &r.body); err != nil {
		t.Errorf("%s: body is not JSON (%v): %.200s", what, err, body)
		return nil
	}
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	if got := header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	if r.body["status"] != float64(status) {
		t.Errorf("%s: problem status %v, want %d", what, r.body["status"], status)
	}
	for _, k := range []string{"title", "instance", "detail"} {
		if s, _ := r.body[k].(string); s == "" {
			t.Errorf("%s: problem has no %s: %s", what, k, body)
		}
	}
	return r.body
}

// invalidFields returns the fields of a problem's invalid_parameters.
func invalidFields(b map[string]any) []string {
	var out []string
	items, _ := b["invalid_parameters"].([]any)
	for _, it := range items {
		out = append(out, str(it.(map[string]any)["field"]))
	}
	return out
}

// TestOddRequestsAnswerProblems walks requests that no client should send. Every one is answered
// with problem+json: those that reach the backend's handler by the handler, and the few that
// net/http answers itself before any handler runs by the listener the server is served on.
func TestOddRequestsAnswerProblems(t *testing.T) {
	t.Parallel()
	ts := startPlainServer(t)
	portal := ts.createPortal("", `{"name":"odd","authentication_enabled":true}`)
	pid := str(portal["id"])
	auth := "Authorization: Bearer " + testToken + "\r\n"
	get := func(target string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: devportal\r\n" + auth + "\r\n"
	}
	post := func(target, contentType, body string) string {
		return "POST " + target + " HTTP/1.1\r\nHost: devportal\r\n" + auth + "Content-Type: " + contentType +
			"\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	tests := []struct {
		name   string
		raw    string
		status int
		field  string // an invalid_parameters field the answer must name, if any
	}{
		{name: "unknown path", raw: get("/v3/nothing"), status: 404},
		{name: "unknown path in a region", raw: get("/eu/v3/nothing"), status: 404},
		{name: "unknown region segment", raw: get("/xx/v3/portals"), status: 404},
		{name: "unknown method", raw: "BREW /v3/portals HTTP/1.1\r\nHost: devportal\r\n" + auth + "\r\n", status: 405},
		{name: "unknown method on an unknown path", raw: "BREW /teapot HTTP/1.1\r\nHost: devportal\r\n" + auth + "\r\n", status: 404},
		{name: "wrong method", raw: "DELETE /v3/portals HTTP/1.1\r\nHost: devportal\r\n" + auth + "\r\n", status: 405},
		{name: "no token", raw: "GET /v3/portals HTTP/1.1\r\nHost: devportal\r\n\r\n", status: 401},
		{name: "asterisk target", raw: "GET * HTTP/1.1\r\nHost: devportal\r\n\r\n", status: 400},
		{name: "escaped slash in an id", raw: get("/v3/apis/a%2Fb"), status: 404},
		{name: "escaped NUL in an id", raw: get("/v3/apis/%00"), status: 404},
		{name: "developer API unknown path", raw: get("/portals/" + pid + "/api/v3/nothing"), status: 404},
		{name: "developer API wrong method", raw: get("/portals/" + pid + "/api/v3/developer"), status: 405},
		{name: "developer API unknown portal", raw: get("/portals/00000000-0000-4000-8000-000000000000/api/v3/apis"), status: 404},
		{name: "page number near 2^63", raw: get("/v3/portals?page%5Bnumber%5D=9223372036854775807"), status: 400, field: "page[number]"},
		{name: "page number beyond int64", raw: get("/v3/portals?page%5Bnumber%5D=99999999999999999999"), status: 400, field: "page[number]"},
		{name: "page size zero", raw: get("/v3/portals?page%5Bsize%5D=0"), status: 400, field: "page[size]"},
		{name: "bad query escape", raw: get("/v3/portals?page%5Bsize%5D=%zz"), status: 200},
		{name: "text body", raw: post("/v3/portals", "text/plain", `{"name":"x"}`), status: 415},
		{name: "declared body over the limit", raw: "POST /v3/portals HTTP/1.1\r\nHost: devportal\r\n" + auth +
			"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{", status: 413},
		{name: "developer API declared body over the limit", raw: "POST /portals/" + pid + "/api/v3/developer HTTP/1.1\r\nHost: devportal\r\n" +
			"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{", status: 413},
		{name: "truncated JSON", raw: post("/v3/portals", "application/json", `{"name":"x`), status: 400, field: "body"},
		{name: "JSON array body", raw: post("/v3/portals", "application/json", `[1,2]`), status: 400, field: "body"},

		// net/http answers these before any handler runs; backend.Listener makes them problems.
		{name: "bad percent-encoding in the path", raw: get("/v3/apis/%zz"), status: 400},
		{name: "NUL in the request line", raw: get("/v3/ap\x00is"), status: 400},
		{name: "malformed method", raw: "G(T /v3/portals HTTP/1.1\r\nHost: devportal\r\n\r\n", status: 400},
		{name: "no Host header", raw: "GET /v3/portals HTTP/1.1\r\n\r\n", status: 400},
		{name: "headers over the server's limit", raw: "GET /v3/portals HTTP/1.1\r\nHost: devportal\r\nX-Big: " +
			strings.Repeat("a", http.DefaultMaxHeaderBytes+8192) + "\r\n\r\n", status: 431},
	}
	for _, tt := range tests {
		status, header, body := rawExchange(t, ts, tt.raw, false)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d: %.300s", tt.name, status, tt.status, body)
			continue
		}
		switch {
		case tt.status < 400:
			if got := header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tt.name, got)
			}
		default:
			b := checkProblem(t, tt.name, status, header, body)
			if tt.field != "" && !strings.Contains(strings.Join(invalidFields(b), " "), tt.field) {
				t.Errorf("%s: invalid_parameters %v do not name %s", tt.name, invalidFields(b), tt.field)
			}
		}
	}
}

// TestRequestBodyLimits sends bodies that are too large, cut off, too wide or too deep to the
// admin API and to the developer API: each gets a small 4xx problem, never a 500.
func TestRequestBodyLimits(t *testing.T) {
	t.Parallel()
	ts := startPlainServer(t)
	pid := str(ts.createPortal("", `{"name":"bodies","authentication_enabled":true}`)["id"])
	targets := []struct{ name, path string }{
		{"admin API", "/v3/portals"},
		{"developer API", "/portals/" + pid + "/api/v3/developer"},
	}
	manyKeys := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"%s":0`, strconv.FormatInt(int64(i), 36))
		}
		b.WriteString("}")
		return b.String()
	}
	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	for _, target := range targets {
		do := func(body string) response {
			return ts.doWith(http.MethodPost, target.path, body, map[string]string{
				"Authorization": "Bearer " + testToken, "Content-Type": "application/json"})
		}
		t.Run(target.name, func(t *testing.T) {
			// Over 1 MiB of otherwise valid JSON.
			big := do(`{"name":"` + strings.Repeat("x", 1<<20) + `"}`)
			checkProblem(t, "oversized body", big.status, big.header, big.raw)
			if big.status != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized body: status %d, want 413", big.status)
			}

			cut := do(`{"name":"half`)
			if b := checkProblem(t, "truncated body", cut.status, cut.header, cut.raw); cut.status != http.StatusBadRequest || invalidFields(b)[0] != "body" {
				t.Errorf("truncated body: %d %s", cut.status, cut.raw)
			}

			// 110,000 unknown keys in just under 1 MiB: refused at the 1,001st, in a few hundred bytes.
			wide := manyKeys(110_000)
			if len(wide) > 1<<20 {
				t.Fatalf("the wide body is %d bytes, over the body limit", len(wide))
			}
			res := do(wide)
			b := checkProblem(t, "110,000 keys", res.status, res.header, res.raw)
			if res.status != http.StatusBadRequest || len(res.raw) > 2048 || !strings.Contains(string(res.raw), "more than 1000 members") {
				t.Errorf("110,000 keys: status %d, %d bytes: %.500s", res.status, len(res.raw), res.raw)
			}
			if f := invalidFields(b); len(f) != 1 || f[0] != "body" {
				t.Errorf("110,000 keys: invalid_parameters %v, want one on body", f)
			}

			// 1,000 unknown keys are decoded; the answer lists 20 and counts the rest.
			res = do(manyKeys(1000))
			b = checkProblem(t, "1,000 keys", res.status, res.header, res.raw)
			if f := invalidFields(b); res.status != http.StatusBadRequest || len(f) != 20 {
				t.Errorf("1,000 keys: status %d, %d invalid parameters, want 400 and 20", res.status, len(f))
			}
			if d := str(b["detail"]); !strings.Contains(d, "20 of") || !strings.Contains(d, "more not shown") {
				t.Errorf("1,000 keys: detail %q does not count the rest", d)
			}
			if len(res.raw) > 8192 {
				t.Errorf("1,000 keys: the answer is %d bytes", len(res.raw))
			}

			res = do(deep)
			b = checkProblem(t, "deep nesting", res.status, res.header, res.raw)
			if res.status != http.StatusBadRequest || !strings.Contains(string(res.raw), "deeper than 32 levels") {
				t.Errorf("deep nesting: %d %s", res.status, res.raw)
			}
			if f := invalidFields(b); len(f) != 1 || !strings.HasPrefix(f[0], "a.a.a") {
				t.Errorf("deep nesting: invalid_parameters %v, want the path of the level too deep", f)
			}

			// The body ends before its Content-Length: the client closed its side.
			addr := strings.TrimPrefix(ts.url, "http://")
			raw := "POST " + target.path + " HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Bearer " + testToken +
				"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + `{"name":"short"}`
			status, header, body := rawExchange(t, ts, raw, true)
			b = checkProblem(t, "short body", status, header, body)
			if status != http.StatusBadRequest || !strings.Contains(string(body), "Content-Length") {
				t.Errorf("short body: %d %s", status, body)
			}
			if f := invalidFields(b); len(f) != 1 || f[0] != "body" {
				t.Errorf("short body: invalid_parameters %v", f)
			}
		})
	}
	t.Run("a wide labels object is named", func(t *testing.T) {
		var b strings.Builder
		for i := range 1001 {
			fmt.Fprintf(&b, `,"l%d":"v"`, i)
		}
		res := ts.do(http.MethodPost, "/v3/portals", `{"name":"wide","labels":{`+b.String()[1:]+`}}`)
		if f := invalidFields(checkProblem(t, "wide labels", res.status, res.header, res.raw)); len(f) != 1 || f[0] != "labels" {
			t.Errorf("wide labels: %d, invalid_parameters %v, want one on labels", res.status, f)
		}
	})
}

// TestListParameterLimits asks for pages, filters and sorts beyond their documented maximums.
func TestListParameterLimits(t *testing.T) {
	t.Parallel()
	ts := startServer(t, "")
	cp := ts.do(http.MethodPost, "/v2/control-planes", `{"name":"limits"}`).must(t, http.StatusCreated)
	services := "/v2/control-planes/" + str(cp["id"]) + "/core-entities/services"
	filters := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("filter[name][neq]=x%d", i))
		}
		return strings.Join(parts, "&")
	}
	values := func(n int) string {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf("v%d", i))
		}
		return strings.Join(parts, ",")
	}
	tests := []struct {
		query, field string
	}{
		{"page[number]=1000001", "page[number]"},
		{"page[number]=9223372036854775807", "page[number]"},
		{"page[number]=18446744073709551616", "page[number]"},
		{"page[size]=101", "page[size]"},
		{"page[size]=9223372036854775808", "page[size]"},
		{filters(11), "filter"},
		{"filter[name][oeq]=" + values(51), "filter[name][oeq]"},
		{"filter[name][ocontains]=" + values(51), "filter[name][ocontains]"},
		{"sort=" + strings.TrimSuffix(strings.Repeat("name,", 11), ","), "sort"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/v3/portals", "/v3/apis"} {
			ts.do(http.MethodGet, path+"?"+tt.query, "").invalidParam(t, tt.field, "max")
		}
	}
	// At the maximums the lists answer, empty where the page lies beyond the data.
	var ten []string
	for _, field := range []string{"name", "version"} {
		for _, op := range []string{"eq", "neq", "contains", "oeq", "ocontains"} {
			ten = append(ten, "filter["+field+"]["+op+"]=x")
		}
	}
	b := ts.do(http.MethodGet, "/v3/apis?page[number]=1000000&page[size]=100&"+strings.Join(ten, "&")+"&sort="+
		strings.TrimSuffix(strings.Repeat("name,", 10), ","), "").must(t, http.StatusOK)
	if data := b["data"].([]any); len(data) != 0 {
		t.Errorf("page 1000000 holds %d APIs", len(data))
	}
	ts.do(http.MethodGet, "/v3/portals?filter[name][oeq]="+values(50), "").must(t, http.StatusOK)

	ts.do(http.MethodGet, services+"?tags="+values(21), "").invalidParam(t, "tags", "max")
	ts.do(http.MethodGet, services+"?tags="+strings.ReplaceAll(values(21), ",", "/"), "").invalidParam(t, "tags", "max")
	ts.do(http.MethodGet, services+"?tags="+values(20), "").must(t, http.StatusOK)
	ts.do(http.MethodGet, services+"?offset=OTIyMzM3MjAzNjg1NDc3NTgwNw", "").invalidParam(t, "offset", "invalid") // 9223372036854775807
}

// TestKeyLifetimeBounds checks that expires_at and ttl stop at 100 years and that keys at the
// limit list and reach the gateway data like any other.
func TestKeyLifetimeBounds(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	pid := e.autoPortal("", "lifetimes")
	_, cpID := e.publishedAPI("", pid, "ledger", true)
	portal := e.do(http.MethodGet, "/v3/portals/"+pid, "").must(t, http.StatusOK)
	strategy := "/v2/application-auth-strategies/" + str(portal["default_application_auth_strategy_id"])

	for _, ttl := range []string{`{"value":101,"unit":"years"}`, `{"value":36501,"unit":"days"}`, `{"value":5201,"unit":"weeks"}`} {
		e.do(http.MethodPatch, strategy, `{"configs":{"key-auth":{"ttl":`+ttl+`}}}`).invalidParam(t, "configs.key-auth.ttl.value", "max")
	}
	e.do(http.MethodPatch, strategy, `{"configs":{"key-auth":{"ttl":{"value":100,"unit":"years"}}}}`).must(t, http.StatusOK)

	dev := e.approvedDeveloper("", pid, "long@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"long-lived"}`).must(t, http.StatusCreated)
	appPath := "/applications/" + str(app["id"])
	dev.do(http.MethodPost, appPath+"/registrations", `{"api_id":"`+str(e.do(http.MethodGet, "/v3/apis?filter[name]=ledger", "").
		must(t, http.StatusOK)["data"].([]any)[0].(map[string]any)["id"])+`"}`).must(t, http.StatusCreated)
	devKey := dev.do(http.MethodPost, appPath+"/credentials", `{}`).must(t, http.StatusCreated)
	if exp, _ := time.Parse(time.RFC3339, str(devKey["expires_at"])); exp.Year() < time.Now().Year()+99 {
		t.Errorf("a key under a 100-year ttl expires at %v", devKey["expires_at"])
	}

	adminPath := "/v3/portals/" + pid + "/applications/" + str(app["id"]) + "/credentials"
	for _, at := range []string{
		"9999-12-31T23:59:59-05:00", // year 10000 in UTC
		"9999-12-31T23:59:59Z",
		time.Now().UTC().AddDate(100, 0, 2).Format(time.RFC3339),
	} {
		e.do(http.MethodPost, adminPath, `{"expires_at":"`+at+`"}`).invalidParam(t, "expires_at", "invalid")
	}
	latest := time.Now().UTC().AddDate(100, 0, -1).Truncate(time.Second)
	adminKey := e.do(http.MethodPost, adminPath, `{"display_name":"latest","expires_at":"`+latest.Format(time.RFC3339)+`"}`)
	adminKey.must(t, http.StatusCreated)
	if cc := adminKey.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("an admin-issued key is answered with Cache-Control %q, want no-store", cc)
	}

	creds := e.do(http.MethodGet, adminPath, "").must(t, http.StatusOK)["data"].([]any)
	if len(creds) != 2 {
		t.Fatalf("listed %d keys, want 2: %v", len(creds), creds)
	}
	for _, c := range creds {
		if c.(map[string]any)["status"] != "active" {
			t.Errorf("key %v is not active", c)
		}
	}
	dev.do(http.MethodGet, appPath+"/credentials", "").must(t, http.StatusOK)
	data := e.do(http.MethodGet, "/v2/control-planes/"+cpID+"/application-auth-data", "").must(t, http.StatusOK)
	apps := data["applications"].([]any)
	if len(apps) != 1 || len(apps[0].(map[string]any)["key_hashes"].([]any)) != 2 {
		t.Errorf("gateway data does not carry both long-lived keys: %v", data)
	}
}

// BenchmarkWideBodies sends 16 parallel requests of 110,000 unknown keys (just under 1 MiB each)
// per iteration, the load that once took the server past 1 GB; allocations per iteration and the
// size of the answers show what one such burst costs.
//
//	go test -run '^$' -bench WideBodies -benchmem ./internal/backend/
func BenchmarkWideBodies(b *testing.B) {
	srv, err := backend.New(context.Background(), backend.Config{DBPath: pgtest.DB(b), AdminToken: testToken})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	})
	var body strings.Builder
	body.WriteString("{")
	for i := range 110_000 {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, `"%s":0`, strconv.FormatInt(int64(i), 36))
	}
	body.WriteString("}")
	payload := body.String()
	var answered int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		errs := make(chan error, 16)
		for range 16 {
			go func() {
				req, err := http.NewRequest(http.MethodPost, hs.URL+"/v3/portals", strings.NewReader(payload))
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				n, err := io.Copy(io.Discard, res.Body)
				atomic.AddInt64(&answered, n)
				errs <- errors.Join(err, res.Body.Close())
			}()
		}
		for range 16 {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(answered)/float64(b.N*16), "answer-bytes/request")
}
