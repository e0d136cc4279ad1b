package provider_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// TestAccDeveloperWalkthrough runs scripts/developer-walkthrough.sh, which applies the quickstart
// on a backend of its own and walks the developer's side with curl, stopping at the first
// unexpected HTTP status.
func TestAccDeveloperWalkthrough(t *testing.T) {
	acctest.PreCheck(t)
	for _, tool := range []string{"bash", "curl", "jq", "sha256sum", "terraform"} {
		if _, err := exec.LookPath(tool); err != nil {
			// CI installs them (.ci/run), so there a missing tool is a failure, not a skip.
			if os.Getenv("CI") != "" {
				t.Fatalf("the walk-through needs %s on PATH", tool)
			}
			t.Skipf("the walk-through needs %s on PATH", tool)
		}
	}
	t.Parallel()
	root := moduleRoot(t)
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "developer-walkthrough.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "WALKTHROUGH_DIR="+t.TempDir(), "KEEP=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("developer walk-through: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"POST /developer/authenticate before approval (Approval Required): HTTP 401",
		"developer status: approved",
		"registration status: pending",
		"GET registration (approved): HTTP 200",
		"key hash present",
		"no changes",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("walk-through output lacks %q:\n%s", want, out.String())
		}
	}
}
