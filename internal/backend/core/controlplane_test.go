package core

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateControlPlaneInput(t *testing.T) {
	tests := []struct {
		name   string
		in     ControlPlaneInput
		create bool
		want   []string
	}{
		{"create needs a name", ControlPlaneInput{}, true, []string{"name:required"}},
		{"minimal", ControlPlaneInput{Name: Val("prod")}, true, []string{}},
		{"self-managed hybrid only", ControlPlaneInput{Name: Val("x"), ClusterType: Val("CLUSTER_TYPE_SERVERLESS")}, true, []string{"cluster_type:enum"}},
		{"no cloud gateways", ControlPlaneInput{Name: Val("x"), CloudGateway: Val(true)}, true, []string{"cloud_gateway:invalid"}},
		{"cloud_gateway false is fine", ControlPlaneInput{Name: Val("x"), CloudGateway: Val(false)}, true, []string{}},
		{"auth type", ControlPlaneInput{AuthType: Val("none")}, false, []string{"auth_type:enum"}},
		{"proxy urls", ControlPlaneInput{ProxyURLs: Val([]ProxyURL{{Host: "", Port: 0, Protocol: "tcp"}})}, false,
			[]string{"proxy_urls[0].host:required", "proxy_urls[0].port:invalid", "proxy_urls[0].protocol:enum"}},
		{"long description", ControlPlaneInput{Description: Val(strings.Repeat("d", 251))}, false, []string{"description:max_length"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violationFields(ValidateControlPlaneInput(tt.in, tt.create)); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

func TestControlPlaneLifecycle(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cp := NewControlPlane(ControlPlaneInput{Name: Val("prod"), Labels: Val(map[string]*string{"env": ptr("prod")})},
		"2f0f3c2e-1111-4222-8333-444455556666", "eu", now)
	if cp.AuthType != ControlPlaneAuthPinned || len(cp.ProxyURLs) != 0 || cp.ProxyURLs == nil || cp.Labels["env"] != "prod" {
		t.Fatalf("NewControlPlane = %+v", cp)
	}
	cpURL, tpURL := ControlPlaneEndpoints(cp)
	if cpURL != "https://2f0f3c2e11.eu.cp.localhost" || tpURL != "https://2f0f3c2e11.eu.tp.localhost" {
		t.Errorf("endpoints %s, %s", cpURL, tpURL)
	}
	updated := ApplyControlPlaneInput(cp, ControlPlaneInput{
		Description: Val("Production"), Labels: Val(map[string]*string{"env": nil}),
		ProxyURLs: Val([]ProxyURL{{Host: "gw.example.com", Port: 443, Protocol: "https"}}),
	}, now.Add(time.Minute))
	if updated.Name != "prod" || *updated.Description != "Production" || len(updated.Labels) != 0 || len(updated.ProxyURLs) != 1 {
		t.Errorf("ApplyControlPlaneInput = %+v", updated)
	}
	cleared := ApplyControlPlaneInput(updated, ControlPlaneInput{Description: Null[string](), ProxyURLs: Null[[]ProxyURL]()}, now)
	if cleared.Description != nil || cleared.ProxyURLs == nil || len(cleared.ProxyURLs) != 0 {
		t.Errorf("null description and proxy_urls: %+v", cleared)
	}
}
