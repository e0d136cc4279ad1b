package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/cli"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// TestBackupWhileServingRestoresEveryObject fills a database with objects of every kind, copies
// it with `serve backup` while the server keeps answering and writing, starts a fresh backend on
// the copy and finds every object as it was.
func TestBackupWhileServingRestoresEveryObject(t *testing.T) {
	if pgtest.PostgresSelected() {
		t.Skip("serve backup copies SQLite databases; PostgreSQL's are copied with pg_dump")
	}
	w := newNodeWorld(t)
	e := w.e
	cp, pid := "/v2/control-planes/"+w.cp, "/v3/portals/"+w.pid
	api := "/v3/apis/" + w.approved
	// The kinds newNodeWorld leaves out.
	page := str(e.do(http.MethodPost, pid+"/pages", `{"slug":"/guides","title":"Guides","content":"# Guides","status":"published"}`).
		must(t, http.StatusCreated)["id"])
	e.do(http.MethodPost, pid+"/snippets", `{"name":"banner","content":"**Hi**"}`).must(t, http.StatusCreated)
	e.do(http.MethodPatch, pid+"/customization", `{"theme":{"colors":{"primary":"#aa3300"}}}`).must(t, http.StatusOK)
	e.do(http.MethodPatch, pid+"/authentication-settings", `{"konnect_mapping_enabled":true}`).must(t, http.StatusOK)
	version := str(e.do(http.MethodPost, api+"/versions", `{"spec":{"content":"`+smallSpec+`"}}`).must(t, http.StatusCreated)["id"])
	e.do(http.MethodPost, api+"/documents", `{"title":"Overview","content":"# Orders","status":"published"}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, cp+"/core-entities/routes", `{"paths":["/orders"]}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, cp+"/core-entities/plugins", `{"name":"rate-limiting","config":{"minute":10}}`).must(t, http.StatusCreated)
	e.do(http.MethodPost, cp+"/node-tokens", `{"name":"edge"}`).must(t, http.StatusCreated)
	e.registerNode("", w.cp, "edge-1", "3.10.0")
	dev := e.approvedDeveloper("", w.pid, "kept@example.com")

	const all = "?page[size]=100"
	paths := []string{
		"/v3/portals" + all, "/eu/v3/portals" + all, "/v3/apis" + all, "/v2/application-auth-strategies" + all,
		"/v2/control-planes" + all, "/v3/api-implementations" + all, "/v3/api-publications" + all,
		pid, pid + "/developers" + all, pid + "/applications" + all, pid + "/application-registrations" + all,
		pid + "/pages" + all, pid + "/pages/" + page, pid + "/snippets" + all, pid + "/customization",
		pid + "/authentication-settings", pid + "/api-publications" + all,
		pid + "/applications/" + w.keyApp + "/credentials" + all, pid + "/applications/" + w.keyApp + "/registrations" + all,
		api, api + "/versions" + all, api + "/versions/" + version, api + "/documents" + all,
		cp + "/node-config",
	}
	for _, c := range []string{cp, "/v2/control-planes/" + w.cp2} {
		for _, kind := range []string{"/core-entities/services", "/core-entities/routes", "/core-entities/plugins", "/nodes", "/node-tokens"} {
			paths = append(paths, c+kind+all)
		}
	}
	snapshot := func(ts *testServer) map[string]any {
		t.Helper()
		got := make(map[string]any, len(paths))
		for _, p := range paths {
			var v any
			res := ts.do(http.MethodGet, p, "")
			res.must(t, http.StatusOK)
			raw := res.raw
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("GET %s: %v: %s", p, err, raw)
			}
			got[p] = v
		}
		return got
	}
	before := snapshot(e.testServer)

	// Writes go on during the copy, in a region the comparison leaves out.
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if postStatus(e.url+"/au/v3/portals", fmt.Sprintf(`{"name":"during-%d"}`, i)) == http.StatusCreated {
				written.Add(1)
			}
		}
	})
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	var stdout, stderr bytes.Buffer
	code := cli.Serve(context.Background(), []string{"backup", "--db", e.dbPath, "--to", copyPath}, &stdout, &stderr)
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("serve backup: exit %d; %s%s", code, stdout.String(), stderr.String())
	}

	restored := startServer(t, copyPath)
	after := snapshot(restored)
	for _, p := range paths {
		if !reflect.DeepEqual(before[p], after[p]) {
			t.Errorf("GET %s on the copy differs:\nlive: %v\ncopy: %v", p, before[p], after[p])
		}
	}
	copied := restored.do(http.MethodGet, "/au/v3/portals?page[size]=1", "").must(t, http.StatusOK)
	if n := copied["meta"].(map[string]any)["page"].(map[string]any)["total"].(float64); n > float64(written.Load()) {
		t.Errorf("the copy holds %v portals written during the backup, more than the %d written", n, written.Load())
	}
	// Sessions are in the copy too: the developer's cookie works on the restored backend.
	again := &developerClient{t: t, base: restored.url + "/portals/" + w.pid + "/api/v3", c: dev.c}
	if me := again.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK); me["email"] != "kept@example.com" {
		t.Errorf("the restored session belongs to %v", me["email"])
	}
}
