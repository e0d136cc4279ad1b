package gateway

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	valid := Config{ServerURL: "http://127.0.0.1:8080/{region}", ControlPlaneID: "cp", Token: "t", Hostname: "h"}
	for _, tt := range []struct {
		name  string
		edit  func(*Config)
		field string // the error must name it; "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"no server URL", func(c *Config) { c.ServerURL = "" }, "ServerURL"},
		{"no control plane", func(c *Config) { c.ControlPlaneID = "" }, "ControlPlaneID"},
		{"no token", func(c *Config) { c.Token = "" }, "Token"},
		{"unknown region", func(c *Config) { c.Region = "mars" }, "Region"},
		{"listen without port", func(c *Config) { c.Listen = "127.0.0.1" }, "Listen"},
		{"status listen without port", func(c *Config) { c.StatusListen = "localhost" }, "StatusListen"},
		{"negative sync wait", func(c *Config) { c.SyncWait = -time.Second }, "SyncWait"},
		{"sync wait over the server's longest", func(c *Config) { c.SyncWait = 2 * time.Minute }, "SyncWait"},
		{"negative read timeout", func(c *Config) { c.Read = -1 }, "UpstreamTimeouts.Read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.edit(&cfg)
			got, err := cfg.withDefaults()
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.field != "" && (err == nil || !strings.Contains(err.Error(), tt.field)):
				t.Fatalf("error %v, want one naming %s", err, tt.field)
			case tt.field == "":
				if got.Region != "us" || got.Listen != DefaultListen || got.StatusListen != DefaultStatusListen ||
					got.Version != DefaultVersion || got.SyncWait != DefaultSyncWait || got.Read != 60*time.Second {
					t.Errorf("defaults not applied: %+v", got)
				}
			}
		})
	}
}

func TestFlags(t *testing.T) {
	t.Setenv(EnvToken, "node-token")
	t.Setenv(EnvServerURL, "http://127.0.0.1:8080/{region}")
	t.Setenv(EnvControlPlane, "cp-from-env")
	t.Setenv(EnvCacheDir, "/var/cache/devportal")

	o, err := parseFlags([]string{"--control-plane", "cp-from-flag", "--sync-wait", "5s", "--node-version", "3.5.0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := o.cfg
	if c.ControlPlaneID != "cp-from-flag" || c.ServerURL != "http://127.0.0.1:8080/{region}" || c.CacheDir != "/var/cache/devportal" ||
		c.Token != "node-token" || c.SyncWait != 5*time.Second || c.Version != "3.5.0" || !o.accessLog {
		t.Errorf("parsed %+v", o)
	}

	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--sync-wait", "soon"}, nil, "--sync-wait"},
		{[]string{"--ping-interval", "0s"}, nil, "--ping-interval"},
		{[]string{"--region", "mars"}, nil, "--region"},
		{[]string{"--listen", "8000"}, nil, "--listen"},
		{[]string{"--access-log", "file"}, nil, "--access-log"},
		{[]string{"extra"}, nil, "unexpected arguments"},
		{nil, map[string]string{EnvToken: ""}, EnvToken},
		{nil, map[string]string{EnvControlPlane: ""}, "--control-plane"},
		{nil, map[string]string{EnvServerURL: ""}, "--server-url"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, err := parseFlags(tt.args, io.Discard); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseFlags(%q) error %v, want one naming %s", tt.args, err, tt.want)
			}
		})
	}
}

func TestMainRunsUntilCancelled(t *testing.T) {
	b := startBackend(t)
	t.Setenv(EnvToken, b.token)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--server-url", b.serverURL(), "--control-plane", "00000000-0000-4000-8000-000000000000",
			"--listen", "127.0.0.1:0", "--status-listen", "127.0.0.1:0", "--log-level", "debug"}, &stdout, &stderr)
	}()
	eventually(t, "the node to start", func() bool { return strings.Contains(stderr.String(), "gateway node started") })
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Main did not return after its context ended")
	}
	if strings.Contains(stderr.String(), b.token) {
		t.Errorf("the token reached the log:\n%s", stderr.String())
	}
}

func TestMainUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, io.Discard, &stderr); code != 0 {
		t.Errorf("--help exit code %d", code)
	}
	for _, want := range []string{"-server-url", "-control-plane", "-cache-dir", EnvToken, EnvStatusListen} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("usage lacks %s:\n%s", want, stderr.String())
		}
	}
	t.Setenv(EnvToken, "")
	stderr.Reset()
	if code := Main(context.Background(), []string{"--server-url", "http://127.0.0.1:1", "--control-plane", "cp"}, io.Discard, &stderr); code != 2 {
		t.Errorf("missing token: exit code %d, want 2; %s", code, stderr.String())
	}
}
