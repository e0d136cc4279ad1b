package e2e_test

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Main(m))
}

// terraformState is the state handed to Check functions.
type terraformState = terraform.State
