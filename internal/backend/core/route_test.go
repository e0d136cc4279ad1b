package core

import (
	"testing"
)

func TestBuildGatewayRoute(t *testing.T) {
	svc := "svc"
	tests := []struct {
		name   string
		in     RouteInput
		fields []string // fields with violations, in order
	}{
		{"paths only", RouteInput{Paths: Val([]string{"/orders"})}, nil},
		{"hosts only", RouteInput{Hosts: Val([]string{"api.example.com", "*.example.com", "example.*", "api.example.com:8443"})}, nil},
		{"methods only", RouteInput{Methods: Val([]string{"GET", "PURGE"})}, nil},
		{"regex path", RouteInput{Paths: Val([]string{"~/orders/\\d+$"})}, nil},
		{"nothing to match", RouteInput{Name: Val("r")}, []string{"paths"}},
		{"empty lists match nothing", RouteInput{Paths: Val([]string{}), Hosts: Val([]string{})}, []string{"paths"}},
		{"relative path", RouteInput{Paths: Val([]string{"/ok", "orders"})}, []string{"paths[1]"}},
		{"empty segment", RouteInput{Paths: Val([]string{"/a//b"})}, []string{"paths[0]"}},
		{"lower-case method", RouteInput{Methods: Val([]string{"get"})}, []string{"methods[0]"}},
		{"empty method", RouteInput{Methods: Val([]string{""})}, []string{"methods[0]"}},
		{"bad host", RouteInput{Hosts: Val([]string{"api_example.com"})}, []string{"hosts[0]"}},
		{"wildcard in the middle", RouteInput{Hosts: Val([]string{"api.*.com"})}, []string{"hosts[0]"}},
		{"wildcard at both ends", RouteInput{Hosts: Val([]string{"*.example.*"})}, []string{"hosts[0]"}},
		{"bad port", RouteInput{Hosts: Val([]string{"example.com:http"})}, []string{"hosts[0]"}},
		{"stream protocol", RouteInput{Paths: Val([]string{"/a"}), Protocols: Val([]string{"http", "tcp"})}, []string{"protocols[1]"}},
		{"no protocol", RouteInput{Paths: Val([]string{"/a"}), Protocols: Val([]string{})}, []string{"protocols"}},
		{"bad redirect code", RouteInput{Paths: Val([]string{"/a"}), HTTPSRedirectStatusCode: Val(303)}, []string{"https_redirect_status_code"}},
		{"bad path handling", RouteInput{Paths: Val([]string{"/a"}), PathHandling: Val("v2")}, []string{"path_handling"}},
		{"bad name", RouteInput{Paths: Val([]string{"/a"}), Name: Val("a b")}, []string{"name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, vs := BuildGatewayRoute(tt.in, "id", "us", "cp", &svc, 1, 2)
			var got []string
			for _, v := range vs {
				got = append(got, v.Field)
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("violations on %v, want %v (%v)", got, tt.fields, vs)
			}
			for i := range got {
				if got[i] != tt.fields[i] {
					t.Errorf("violation %d on %s, want %s", i, got[i], tt.fields[i])
				}
			}
		})
	}
}

func TestBuildGatewayRouteDefaults(t *testing.T) {
	rt, vs := BuildGatewayRoute(RouteInput{Paths: Val([]string{"/a"}), Protocols: Null[[]string]()}, "id", "us", "cp", nil, 1, 2)
	if len(vs) > 0 {
		t.Fatal(vs)
	}
	if len(rt.Protocols) != 1 || rt.Protocols[0] != "https" {
		t.Errorf("protocols %v, want the document's default [https]", rt.Protocols)
	}
	if !rt.StripPath || rt.PreserveHost || !rt.RequestBuffering || !rt.ResponseBuffering ||
		rt.HTTPSRedirectStatusCode != 426 || rt.PathHandling != "v0" || rt.RegexPriority != 0 {
		t.Errorf("defaults differ from the document: %+v", rt)
	}
}
