package provider

import (
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestSupportsApplicationAuth(t *testing.T) {
	tests := []struct {
		version string
		want    bool
	}{
		{"3.6", true},
		{"3.6.0", true},
		{"3.10.0.1-enterprise-edition", true},
		{"4.0.0", true},
		{"3.5.9", false},
		{"3.4.3.12-enterprise-edition", false},
		{"2.8.4", false},
		{"3", false},
		{"3.6.0.1.2", false},
		{"v3.9.0", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := supportsApplicationAuth(tt.version); got != tt.want {
			t.Errorf("supportsApplicationAuth(%q) = %v, want %v", tt.version, got, tt.want)
		}
	}
}

func TestNodeItems(t *testing.T) {
	items, all := nodeItems([]client.Node{
		{ID: "n2", Hostname: "dp-b", Version: "3.9.1", LastPing: 1767225600, ConfigHash: "abc"},
		{ID: "n1", Hostname: "dp-a", Version: "3.5.0"},
	})
	if all.ValueBool() || len(items) != 2 || items[0].Hostname.ValueString() != "dp-a" || items[0].SupportsApplicationAuth.ValueBool() ||
		!items[1].SupportsApplicationAuth.ValueBool() || items[1].LastPing.ValueString() != "2026-01-01T00:00:00Z" ||
		!items[0].ConfigHash.IsNull() || items[1].ConfigHash.ValueString() != "abc" {
		t.Errorf("nodeItems = %+v, all %v", items, all)
	}
	if _, all := nodeItems(nil); !all.ValueBool() {
		t.Error("no nodes: supports_application_auth is false")
	}
}

func TestNodesInSync(t *testing.T) {
	nodes := []client.Node{{ID: "a", ConfigHash: "h1"}, {ID: "b", ConfigHash: "h1"}}
	if !nodesInSync(nil, "h1") || !nodesInSync(nodes, "h1") {
		t.Error("no nodes, or every node on the expected hash: not in sync")
	}
	nodes[1].ConfigHash = ""
	if nodesInSync(nodes, "h1") {
		t.Error("a node without a hash counts as in sync")
	}
	if nodesInSync(nodes[:1], "h2") {
		t.Error("a node on another hash counts as in sync")
	}
}
