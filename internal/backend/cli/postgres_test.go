package cli

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// serve keeps its data in the PostgreSQL database that DEVPORTAL_DB names, across restarts.
func TestServeOnPostgresFromTheEnvironment(t *testing.T) {
	if !pgtest.PostgresSelected() {
		t.Skip("runs on PostgreSQL only: DEVPORTAL_TEST_STORE=postgres (make test-postgres)")
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	token := "spat_" + hex.EncodeToString(secret)
	t.Setenv(TokenEnv, token)
	t.Setenv(DBEnv, pgtest.Database(t))
	tokenFile := filepath.Join(t.TempDir(), "unused-token")

	r := start(t, "--token-file", tokenFile)
	if code, body := call(t, http.MethodPost, r.url+"/v3/portals", token, `{"name":"kept"}`); code != http.StatusCreated {
		t.Fatalf("create a portal: %d %s", code, body)
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, r.stderr.String())
	}

	r2 := start(t, "--token-file", tokenFile)
	code, body := call(t, http.MethodGet, r2.url+"/v3/portals?filter[name][eq]=kept", token, "")
	if code != http.StatusOK || !strings.Contains(body, `"name":"kept"`) {
		t.Errorf("the portal made before the restart: %d %s", code, body)
	}
}

// call sends a request with an optional JSON body and returns the status and body of the answer.
func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}
