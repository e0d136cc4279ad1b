package browsertest

import (
	"os"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Main(m))
}
