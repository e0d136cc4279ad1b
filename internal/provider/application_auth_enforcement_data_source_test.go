package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

func TestAccApplicationAuthEnforcementDataSource_unknownAPI(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      "data \"devportal_application_auth_enforcement\" \"test\" {\n  api_id = \"00000000-0000-4000-8000-000000000000\"\n}\n",
			ExpectError: regexp.MustCompile(`(?s)Unable to read API.*404`),
		}},
	})
}
