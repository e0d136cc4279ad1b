package core

import (
	"errors"
	"strings"
	"testing"
)

func TestParseGatewayVersion(t *testing.T) {
	tests := []struct {
		in     string
		want   GatewayVersion
		string string
	}{
		{"3.9.1", GatewayVersion{Major: 3, Minor: 9, Patch: 1, parts: 3}, "3.9.1"},
		{"3.6.0.0", GatewayVersion{Major: 3, Minor: 6, parts: 4}, "3.6.0.0"},
		{"3.4.3.12", GatewayVersion{Major: 3, Minor: 4, Patch: 3, Revision: 12, parts: 4}, "3.4.3.12"},
		{"3.10.0.1-enterprise-edition", GatewayVersion{Major: 3, Minor: 10, Revision: 1, Suffix: "enterprise-edition", parts: 4}, "3.10.0.1-enterprise-edition"},
		{"2.8.4", GatewayVersion{Major: 2, Minor: 8, Patch: 4, parts: 3}, "2.8.4"},
		{"3.6", GatewayVersion{Major: 3, Minor: 6, parts: 2}, "3.6.0"},
		{"3.07.1", GatewayVersion{Major: 3, Minor: 7, Patch: 1, parts: 3}, "3.7.1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseGatewayVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseGatewayVersion(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseGatewayVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.string {
				t.Errorf("String() = %q, want %q", s, tt.string)
			}
		})
	}
}

func TestParseGatewayVersionRejects(t *testing.T) {
	for _, in := range []string{
		"", "3", "3.", ".3.1", "3..1", "v3.9.1", "3.9.1.0.0", "3.9.x", "3.9.-1", "3.9.+1", " 3.9.1",
		"3.9.1-", "3.9.1-ent edition", "3.9.1_ent", "garbage", "99999999999999999999.1.1", "3.1000000.0",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseGatewayVersion(in)
			if err == nil {
				t.Fatalf("ParseGatewayVersion(%q) succeeded, want an error", in)
			}
			if !errors.Is(err, ErrGatewayVersionInvalid) {
				t.Errorf("error %v does not wrap ErrGatewayVersionInvalid", err)
			}
			if !strings.Contains(err.Error(), "3.9.1") {
				t.Errorf("error %q does not show an example of a valid version", err)
			}
		})
	}
}

func TestGatewayVersionAtLeast(t *testing.T) {
	tests := []struct {
		in           string
		major, minor int
		want         bool
	}{
		{"3.6.0.0", 3, 6, true},
		{"3.5.9.99", 3, 6, false},
		{"3.10.0", 3, 6, true},
		{"4.0.0", 3, 6, true},
		{"2.8.4", 3, 6, false},
		{"2.99.0", 3, 0, false},
		{"3.9.1", 3, 9, true},
		{"3.9.1", 3, 10, false},
	}
	for _, tt := range tests {
		v, err := ParseGatewayVersion(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.AtLeast(tt.major, tt.minor); got != tt.want {
			t.Errorf("%s.AtLeast(%d, %d) = %v, want %v", tt.in, tt.major, tt.minor, got, tt.want)
		}
	}
}

func TestSupportsApplicationAuth(t *testing.T) {
	for in, want := range map[string]bool{
		"3.6.0": true, "3.6.0.0": true, "3.4.3.12": false, "3.5.0": false, "2.8.4": false,
		"3.10.0.1-enterprise-edition": true,
	} {
		v, err := ParseGatewayVersion(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := SupportsApplicationAuth(v); got != want {
			t.Errorf("SupportsApplicationAuth(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestFirstOutdatedGatewayNode(t *testing.T) {
	tests := []struct {
		name   string
		nodes  []GatewayNode
		want   GatewayNode
		wantOK bool
	}{
		{name: "no nodes"},
		{
			name:  "all recent",
			nodes: []GatewayNode{{"n1", "gw-a", "3.6.0.0"}, {"n2", "gw-b", "3.9.1"}},
		},
		{
			name:   "one old",
			nodes:  []GatewayNode{{"n1", "gw-a", "3.9.1"}, {"n2", "gw-b", "3.4.3.12"}},
			want:   GatewayNode{"n2", "gw-b", "3.4.3.12"},
			wantOK: true,
		},
		{
			name:   "several old: lowest hostname wins regardless of input order",
			nodes:  []GatewayNode{{"n3", "gw-c", "2.8.4"}, {"n2", "gw-b", "3.5.0"}, {"n1", "gw-a", "3.9.1"}},
			want:   GatewayNode{"n2", "gw-b", "3.5.0"},
			wantOK: true,
		},
		{
			name:   "same hostname: lowest id",
			nodes:  []GatewayNode{{"n9", "gw", "3.5.0"}, {"n1", "gw", "3.4.0"}},
			want:   GatewayNode{"n1", "gw", "3.4.0"},
			wantOK: true,
		},
		{
			name:   "unparsable version counts as outdated",
			nodes:  []GatewayNode{{"n1", "gw-a", "3.9.1"}, {"n2", "gw-b", "unknown"}},
			want:   GatewayNode{"n2", "gw-b", "unknown"},
			wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FirstOutdatedGatewayNode(tt.nodes)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("FirstOutdatedGatewayNode() = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestOutdatedGatewayNodeMessage(t *testing.T) {
	got := OutdatedGatewayNodeMessage(GatewayNode{ID: "5f1c", Hostname: "gw-1.internal", Version: "3.4.3.12"})
	want := "node gw-1.internal (5f1c) runs gateway 3.4.3.12; application auth needs 3.6 or later"
	if got != want {
		t.Errorf("OutdatedGatewayNodeMessage() = %q, want %q", got, want)
	}
}
