package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// threeResources is a configuration of several resources, each of which would report a
// rejected token on its own if the provider did not check the token first.
func threeResources(name, provider string) string {
	return provider + portalConfig(name, "") + controlPlaneConfig(name, "") + apiConfig(name, "")
}

// A token the server rejects gives exactly one error, from the provider's configuration,
// whether the resources are new or already in state.
func TestAccProvider_rejectedTokenReportedOnce(t *testing.T) {
	name := acctest.RandomName("token")
	wrong := "provider \"devportal\" {\n  token = \"spat_notthetokennotthetokennotthetoken\"\n}\n"
	var rejected int
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		ErrorCheck: func(err error) error {
			msg := err.Error()
			if n := strings.Count(msg, "Error: "); n != 1 || !strings.Contains(msg, "Error: Invalid API token") ||
				!strings.Contains(msg, "the bearer token is not a valid admin token") {
				return fmt.Errorf("want exactly one \"Invalid API token\" error with the server's detail, got %d errors: %w", n, err)
			}
			rejected++
			return nil
		},
		Steps: []resource.TestStep{
			{Config: threeResources(name, wrong)},
			{Config: threeResources(name, "")},
			{Config: threeResources(name, wrong)},
			// Back to the right token, so that the objects can be destroyed.
			{Config: threeResources(name, ""), PlanOnly: true},
		},
	})
	if rejected != 2 {
		t.Errorf("the wrong token was rejected in %d steps, want 2", rejected)
	}
}

// A value that cannot be a token is refused on the token attribute before any request.
func TestAccProvider_tokenShape(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      "provider \"devportal\" {\n  token = \"Bearer spat_0123456789abcdefghij\"\n}\n" + portalConfig(acctest.RandomName("portal"), ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid API token.*token.*spaces or line breaks.*starts with kpat_`),
		}},
	})
}
