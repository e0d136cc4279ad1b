package appauth

import (
	"fmt"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestNewTableRejectsMalformedHashes(t *testing.T) {
	for _, hash := range []string{"abc", strings.Repeat("z", 64)} {
		a := app("a1", keyStrategy)
		a.Keys = []client.NodeKey{{Hash: hash}}
		_, err := NewTable([]client.NodeApplication{a})
		if err == nil || !strings.Contains(err.Error(), "a1") {
			t.Errorf("hash %q: err = %v, want one naming application a1", hash, err)
		}
	}
}

func TestTableSharedCredentialsNameNoOne(t *testing.T) {
	tab := mustTable(t,
		app("a1", keyStrategy, withKey("shared", nil), withClientID("c")),
		app("a2", keyStrategy, withKey("shared", nil), withClientID("c")),
		app("a3", keyStrategy, withKey("own", nil)),
	)
	if apps, keys := tab.Len(); apps != 3 || keys != 2 {
		t.Errorf("Len = %d, %d; want 3 applications, 2 keys", apps, keys)
	}
	pol := mustPolicy(t, plugin(t, map[string]any{"key_auth": []any{keyAuth(keyStrategy, "apikey")}}), nil)
	if d := pol.authorizeKey(tab, "shared", now); d.Reason != ReasonUnknownKey {
		t.Errorf("shared key: reason %q, want %q", d.Reason, ReasonUnknownKey)
	}
	if d := pol.authorizeKey(tab, "own", now); !d.Allowed {
		t.Errorf("own key: %+v, want allowed", d)
	}
	if tab.lookupClient("c") != nil {
		t.Errorf("a client id two applications share names one of them")
	}
}

// manyApps returns n applications with one key each, "key-<i>".
func manyApps(n int) []client.NodeApplication {
	apps := make([]client.NodeApplication, n)
	for i := range apps {
		apps[i] = app(fmt.Sprintf("app-%d", i), keyStrategy, withKey(fmt.Sprintf("key-%d", i), nil))
	}
	return apps
}

func TestTableHolds100kKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: building a table of 100,000 keys takes about a second and 20 MB; run without -short")
	}
	tab, err := NewTable(manyApps(100_000))
	if err != nil {
		t.Fatal(err)
	}
	if apps, keys := tab.Len(); apps != 100_000 || keys != 100_000 {
		t.Fatalf("Len = %d, %d; want 100000, 100000", apps, keys)
	}
	pol := mustPolicy(t, plugin(t, map[string]any{"key_auth": []any{keyAuth(keyStrategy, "apikey")}}), nil)
	for _, i := range []int{0, 54_321, 99_999} {
		d := pol.authorizeKey(tab, fmt.Sprintf("key-%d", i), now)
		if !d.Allowed || d.App.ID != fmt.Sprintf("app-%d", i) {
			t.Errorf("key-%d: %+v, want allowed for app-%d", i, d, i)
		}
	}
}

func BenchmarkNewTable100k(b *testing.B) {
	apps := manyApps(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTable(apps); err != nil {
			b.Fatal(err)
		}
	}
}
