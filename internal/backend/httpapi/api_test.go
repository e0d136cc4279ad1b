package httpapi

import "testing"

func TestRegionOfHost(t *testing.T) {
	tests := []struct {
		host   string
		region string // "" when the host names no region
	}{
		{"eu.api.konghq.com", "eu"},
		{"eu.api.localhost:1234", "eu"},
		{"AU.API.example.org", "au"},
		{"sg.api.localhost.", "sg"},
		{"us.api", ""},
		{"global.api.konghq.com", ""},
		{"eu.portal.localhost", ""},
		{"api.eu.example.com", ""},
		{"orders-1a2b3c4d.eu.portal.localhost:8080", ""},
		{"127.0.0.1:8080", ""},
		{"[::1]:8080", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := regionOfHost(tt.host)
		if got != tt.region || ok != (tt.region != "") {
			t.Errorf("regionOfHost(%q) = %q, %v; want %q", tt.host, got, ok, tt.region)
		}
	}
}
