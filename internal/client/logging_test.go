package client

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestRequestLogging(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"p1"}`))
	}))
	t.Cleanup(srv.Close)

	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	c := newTestClient(t, strings.Replace(srv.URL, "http://", "http://user:secret@", 1), 0)
	if _, err := c.GetPortal(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	logged := out.String()
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(logged))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("log entries = %d, want 1: %s", len(entries), logged)
	}
	e := entries[0]
	if e["http_method"] != "GET" || e["http_status"] != float64(200) || !strings.HasSuffix(e["http_url"].(string), "/v3/portals/p1") {
		t.Errorf("entry = %v", e)
	}
	if _, ok := e["http_duration_ms"]; !ok {
		t.Errorf("entry has no duration: %v", e)
	}
	for _, secret := range []string{"kpat_test", "secret", "Bearer"} {
		if strings.Contains(logged, secret) {
			t.Errorf("log contains %q: %s", secret, logged)
		}
	}
}
