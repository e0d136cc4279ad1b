package replicatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/replicatest"
)

func TestMain(m *testing.M) { os.Exit(replicatest.Main(m)) }

// call sends an admin request to one replica and returns the status and the decoded body.
func call(t *testing.T, c *replicatest.Cluster, r *replicatest.Replica, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, r.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, r.Name, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

func TestReplicasShareOneDatabaseAcrossRestartsAndCrashes(t *testing.T) {
	c := replicatest.Start(t, 2, replicatest.Options{})
	one, two := c.Replicas[0], c.Replicas[1]
	if one.URL == two.URL {
		t.Fatalf("both replicas serve at %s", one.URL)
	}
	status, portal := call(t, c, one, http.MethodPost, "/v3/portals", `{"name":"shared"}`)
	if status != http.StatusCreated {
		t.Fatalf("creating a portal on %s: %d %v", one.Name, status, portal)
	}
	path := "/v3/portals/" + portal["id"].(string)
	if status, _ := call(t, c, two, http.MethodGet, path, ""); status != http.StatusOK {
		t.Fatalf("%s does not find the portal %s created: %d", two.Name, one.Name, status)
	}

	two.Kill()
	if _, err := http.Get(two.URL + "/healthz"); err == nil {
		t.Errorf("%s still answers after Kill", two.Name)
	}
	if err := one.Stop(); err != nil {
		t.Fatal(err)
	}
	wasAt := two.URL
	if err := c.StartAll(); err != nil {
		t.Fatal(err)
	}
	if two.URL != wasAt {
		t.Errorf("%s came back at %s, not at %s", two.Name, two.URL, wasAt)
	}
	for _, r := range c.Replicas {
		if status, _ := call(t, c, r, http.MethodGet, path, ""); status != http.StatusOK {
			t.Errorf("%s does not find the portal after the restarts: %d", r.Name, status)
		}
	}
	if !strings.Contains(one.Log(), "devportal backend listening on "+one.URL) {
		t.Errorf("%s's log lacks its address line:\n%s", one.Name, one.Log())
	}
}

func TestReplicasStartingTogetherOnAFreshDatabase(t *testing.T) {
	c := replicatest.Start(t, 3, replicatest.Options{Stopped: true})
	if err := c.StartAll(); err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Replicas {
		if status, _ := call(t, c, r, http.MethodGet, "/v3/portals", ""); status != http.StatusOK {
			t.Errorf("%s lists portals with %d", r.Name, status)
		}
	}
}
