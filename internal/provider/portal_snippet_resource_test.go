package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const snippetRes = "devportal_portal_snippet.test"

// TestAccPortalSnippet_create checks a snippet with only a name and content: the server's
// defaults land in state and a second plan is empty.
func TestAccPortalSnippet_create(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalSnippetsGone(t),
		Steps: []resource.TestStep{{
			Config: portalSnippetConfig(acctest.RandomName("snip"), `
  name    = "banner"
  content = "Maintenance on Sunday."`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(snippetRes, tfjsonpath.New("title"), knownvalue.StringExact("banner")),
				statecheck.ExpectKnownValue(snippetRes, tfjsonpath.New("description"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(snippetRes, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
				statecheck.ExpectKnownValue(snippetRes, tfjsonpath.New("status"), knownvalue.StringExact("unpublished")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccPortalSnippet_update checks that renaming and republishing a snippet happen in place,
// and that a title from new front matter is planned.
func TestAccPortalSnippet_update(t *testing.T) {
	name := acctest.RandomName("snip")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalSnippetsGone(t),
		Steps: []resource.TestStep{
			{Config: portalSnippetConfig(name, `
  name        = "banner"
  description = "Shown on top"
  content     = "Old"`)},
			{
				Config: portalSnippetConfig(name, `
  name       = "notice"
  content    = "---\ntitle: Notice\n---\nNew"
  visibility = "public"
  status     = "published"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(snippetRes, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(snippetRes, tfjsonpath.New("title"), knownvalue.StringExact("Notice")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[snippetRes]
					sn, err := acctest.Client(t).GetPortalSnippet(context.Background(), rs.Primary.Attributes["portal_id"], rs.Primary.ID)
					if err != nil {
						return err
					}
					if sn.Name != "notice" || sn.Title != "Notice" || sn.Visibility != "public" || sn.Status != "published" ||
						sn.Description == nil || *sn.Description != "Shown on top" {
						return fmt.Errorf("server has %+v", sn)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPortalSnippet_import checks that a snippet imports by <portal_id>/<snippet_id> with the
// state it was created with, and that an import block plans no change.
func TestAccPortalSnippet_import(t *testing.T) {
	config := portalSnippetConfig(acctest.RandomName("snip"), `
  name        = "support"
  title       = "Support"
  description = "Who to ask"
  content     = "Write to us."
  visibility  = "public"
  status      = "published"`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalSnippetsGone(t),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      snippetRes,
				ImportState:       true,
				ImportStateIdFunc: importID(snippetRes, "portal_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            config,
				ResourceName:      snippetRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(snippetRes, "portal_id", "id"),
			},
		},
	})
}

// TestAccPortalSnippet_invalidConfig checks that names and enums are refused at plan time.
func TestAccPortalSnippet_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"name with a space": {"name = \"my snippet\"\n  content = \"x\"", `(?s)name.*letters, digits`},
		"visibility":        {"name = \"a\"\n  content = \"x\"\n  visibility = \"all\"", `(?s)visibility.*value must be one of`},
		"front matter":      {"name = \"a\"\n  description = \"Mine\"\n  content = \"---\\ndescription: Theirs\\n---\\n\"", `(?s)Conflicting description`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      portalSnippetConfig(acctest.RandomName("snip"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func portalSnippetConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %q
}

resource "devportal_portal_snippet" "test" {
  portal_id = devportal_portal.test.id
  %s
}
`, name, body)
}

// checkPortalSnippetsGone verifies that every devportal_portal_snippet left the server.
func checkPortalSnippetsGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_portal_snippet" {
				continue
			}
			_, err := acctest.Client(t).GetPortalSnippet(context.Background(), rs.Primary.Attributes["portal_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("snippet %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
