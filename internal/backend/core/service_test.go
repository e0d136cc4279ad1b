package core

import (
	"slices"
	"strings"
	"testing"
)

func TestBuildGatewayService(t *testing.T) {
	s, vs := BuildGatewayService(ServiceInput{Name: Val("orders"), Host: Val("orders.internal")}, "id", "us", "cp", 10, 20)
	if len(vs) != 0 {
		t.Fatalf("violations %v", vs)
	}
	want := GatewayService{ID: "id", Region: "us", ControlPlaneID: "cp", Name: s.Name, Protocol: "http", Host: "orders.internal",
		Port: 80, Retries: 5, ConnectTimeout: 60000, WriteTimeout: 60000, ReadTimeout: 60000, Enabled: true, CreatedAt: 10, UpdatedAt: 20}
	if *s.Name != "orders" || !equalServices(s, want) {
		t.Errorf("defaults: got %+v, want %+v", s, want)
	}
	s, _ = BuildGatewayService(ServiceInput{Host: Val("h"), Port: Null[int](), Enabled: Val(false), Path: Val("/v1"),
		TLSVerify: Val(true), Tags: Val([]string{"a"})}, "id", "us", "cp", 1, 1)
	if s.Port != 80 || s.Enabled || *s.Path != "/v1" || !*s.TLSVerify || !slices.Equal(s.Tags, []string{"a"}) || s.Name != nil {
		t.Errorf("given values: %+v", s)
	}

	tests := []struct {
		name string
		in   ServiceInput
		want []string
	}{
		{"host required", ServiceInput{}, []string{"host:required"}},
		{"url refused", ServiceInput{URL: Val("http://x")}, []string{"url:invalid", "host:required"}},
		{"name pattern", ServiceInput{Name: Val("a b"), Host: Val("h")}, []string{"name:matches_regex"}},
		{"protocol", ServiceInput{Host: Val("h"), Protocol: Val("ftp")}, []string{"protocol:enum"}},
		{"empty host", ServiceInput{Host: Val(" ")}, []string{"host:min_length"}},
		{"port", ServiceInput{Host: Val("h"), Port: Val(65536)}, []string{"port:max"}},
		{"retries", ServiceInput{Host: Val("h"), Retries: Val(-1)}, []string{"retries:min"}},
		{"timeouts", ServiceInput{Host: Val("h"), ConnectTimeout: Val(0), ReadTimeout: Val(2147483647)},
			[]string{"connect_timeout:min", "read_timeout:max"}},
		{"tls depth", ServiceInput{Host: Val("h"), TLSVerifyDepth: Val(65)}, []string{"tls_verify_depth:max"}},
		{"path", ServiceInput{Host: Val("h"), Path: Val("v1")}, []string{"path:invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, vs := BuildGatewayService(tt.in, "id", "us", "cp", 1, 1)
			if got := violationFields(vs); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

func equalServices(a, b GatewayService) bool {
	a.Name, b.Name = nil, nil
	return a.ID == b.ID && a.Region == b.Region && a.ControlPlaneID == b.ControlPlaneID && a.Protocol == b.Protocol &&
		a.Host == b.Host && a.Port == b.Port && a.Path == b.Path && a.Retries == b.Retries &&
		a.ConnectTimeout == b.ConnectTimeout && a.WriteTimeout == b.WriteTimeout && a.ReadTimeout == b.ReadTimeout &&
		a.Enabled == b.Enabled && slices.Equal(a.Tags, b.Tags) && a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt
}

func TestBuildGatewayPlugin(t *testing.T) {
	sid := "svc"
	p, vs := BuildGatewayPlugin(PluginInput{Name: Val("rate-limiting"), Config: Val(map[string]any{"minute": 5})}, "id", "us", "cp", &sid, 1, 2)
	if len(vs) != 0 || !p.Enabled || !slices.Equal(p.Protocols, DefaultPluginProtocols) || len(p.Tags) != 0 || p.IsManaged() {
		t.Fatalf("BuildGatewayPlugin = %+v, %v", p, vs)
	}
	tests := []struct {
		name string
		in   PluginInput
		want []string
	}{
		{"name required", PluginInput{}, []string{"name:required"}},
		{"managed name", PluginInput{Name: Val(KAAPluginName)}, []string{"name:invalid"}},
		{"managed tag", PluginInput{Name: Val("key-auth"), Tags: Val([]string{"x", KAAManagedTag})}, []string{"tags:invalid"}},
		{"protocols", PluginInput{Name: Val("cors"), Protocols: Val([]string{"http", "smtp"})}, []string{"protocols[1]:enum"}},
		{"name pattern", PluginInput{Name: Val("my plugin")}, []string{"name:matches_regex"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, vs := BuildGatewayPlugin(tt.in, "id", "us", "cp", nil, 1, 1)
			if got := violationFields(vs); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
			for _, v := range vs {
				if v.Rule == "invalid" && !strings.Contains(v.Reason, "publish") {
					t.Errorf("reason %q does not say how to change a managed plugin", v.Reason)
				}
			}
		})
	}
}

func TestManagedGatewayPluginRoundTrip(t *testing.T) {
	k := KAAPlugin{ID: "p", ControlPlaneID: "cp", ServiceID: "svc", Name: KAAPluginName, Enabled: true,
		Protocols: []string{"http"}, Tags: []string{KAAManagedTag}, Config: map[string]any{"scope": "api"}}
	g := ManagedGatewayPlugin(k, "eu", "api", 3, 4)
	if !g.IsManaged() || *g.ManagedAPIID != "api" || *g.ServiceID != "svc" || g.Region != "eu" || g.CreatedAt != 3 || g.UpdatedAt != 4 {
		t.Fatalf("ManagedGatewayPlugin = %+v", g)
	}
	back := g.KAA()
	if back.ID != k.ID || back.ServiceID != k.ServiceID || KAAPluginScope(back) != "api" || !slices.Equal(back.Tags, k.Tags) {
		t.Errorf("KAA() = %+v, want %+v", back, k)
	}
	plan := KAAReconcile([]KAAPlugin{back}, []KAAPlugin{k})
	if !plan.Empty() {
		t.Errorf("a stored plugin differs from the one it was made from: %+v", plan)
	}
}

func TestValidateNodeRegistration(t *testing.T) {
	tests := []struct {
		hostname, version Field[string]
		want              []string
	}{
		{Val("dp-1"), Val("3.9.1"), []string{}},
		{Val("dp-1"), Val("3.4.3.12-enterprise-edition"), []string{}},
		{Field[string]{}, Field[string]{}, []string{"hostname:required", "version:required"}},
		{Val(""), Val("latest"), []string{"hostname:min_length", "version:invalid"}},
	}
	for _, tt := range tests {
		if got := violationFields(ValidateNodeRegistration(tt.hostname, tt.version)); !slices.Equal(got, tt.want) {
			t.Errorf("ValidateNodeRegistration(%v, %v) = %v, want %v", tt.hostname, tt.version, got, tt.want)
		}
	}
}
