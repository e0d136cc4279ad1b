package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

func TestAccProvider_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		provider string
		want     string
	}{
		"scheme":           {`server_url = "ftp://127.0.0.1"`, `(?s)Invalid server URL.*server_url`},
		"placeholder":      {`server_url = "http://127.0.0.1/{regoin}"`, `(?s)Invalid server URL.*placeholder`},
		"no host":          {`server_url = "https:///v3"`, `(?s)Invalid server URL.*no host`},
		"region":           {`region = "mars"`, `(?s)region.*value must be one of`},
		"empty token":      {`token = ""`, `(?s)Missing API token.*token`},
		"timeout":          {`request_timeout = "soon"`, `(?s)Invalid duration.*request_timeout`},
		"negative timeout": {`request_timeout = "-1s"`, `(?s)request_timeout.*longer than zero`},
		"too many retries": {`max_retries = 99`, `(?s)max_retries.*between 0 and 20`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"devportal\" {\n  " + tt.provider + "\n}\n" + portalConfig(acctest.RandomName("portal"), ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

// A server URL without {region} is used as is: here the backend's root, which serves us.
func TestAccProvider_serverURLWithoutRegion(t *testing.T) {
	name := acctest.RandomName("portal-root")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("provider \"devportal\" {\n  server_url = %q\n  region = \"eu\"\n}\n", acctest.BaseURL()) + portalConfig(name, ""),
			Check: resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(id string) error {
				if _, err := acctest.Client(t).GetPortal(context.Background(), id); err != nil {
					return fmt.Errorf("portal %s not in the default region: %w", id, err)
				}
				return nil
			}),
		}},
	})
}
