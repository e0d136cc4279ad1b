package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runAsProviderEnv makes the test binary run main, so that Terraform can launch it as the provider.
const runAsProviderEnv = "DEVPORTAL_TEST_RUN_AS_PROVIDER"

func TestMain(m *testing.M) {
	if os.Getenv(runAsProviderEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestTraceLogStillShowsSDKLines launches this binary as the provider from Terraform with TF_LOG=TRACE
// and finds the trace lines of both plugin libraries in Terraform's log: quieting the unshown lines
// must not hide what a user asks for.
func TestTraceLogStillShowsSDKLines(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs Terraform: set TF_ACC=1")
	}
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "terraform-provider-devportal")); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	writeFile(t, cliConfig, `provider_installation {
  dev_overrides {
    "devportal-labs/devportal" = "`+bin+`"
  }
  direct {}
}
`)
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    devportal = { source = "devportal-labs/devportal" }
  }
}

resource "devportal_api" "example" {
  name = "example"
}
`)

	for _, tt := range []struct {
		name  string
		env   []string
		wants []string
	}{
		{"TF_LOG=TRACE", []string{"TF_LOG=TRACE"}, []string{"@module=sdk.proto", "@module=sdk.framework"}},
		{"TF_LOG_PROVIDER=TRACE", []string{"TF_LOG_PROVIDER=TRACE"}, []string{"@module=sdk.proto", "@module=sdk.framework"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, terraform, "-chdir="+dir, "validate", "-no-color")
			cmd.Env = append(withoutLogVariables(os.Environ()), append(tt.env,
				runAsProviderEnv+"=1", "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1")...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("terraform validate: %v\n%s\n%s", err, stdout.String(), lastLines(stderr.String(), 40))
			}
			for _, want := range tt.wants {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("Terraform's log has no line of %s; its end:\n%s", want, lastLines(stderr.String(), 40))
				}
			}
		})
	}
}

// withoutLogVariables drops the TF_LOG variables of the environment the test runs in.
func withoutLogVariables(env []string) []string {
	var kept []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "TF_LOG") {
			kept = append(kept, kv)
		}
	}
	return kept
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
