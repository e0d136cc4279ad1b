package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const pageRes = "devportal_portal_page.test"

// TestAccPortalPage_create checks a page nested under another: the front matter gives its title
// and description, the portal's default visibility applies, and a second plan is empty.
func TestAccPortalPage_create(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{{
			Config: portalPageConfig(acctest.RandomName("page"), `
  slug           = "getting-started"
  parent_page_id = devportal_portal_page.parent.id
  content        = "---\ntitle: Getting started\ndescription: First steps\n---\n# Getting started\n"
  status         = "published"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(pageRes, tfjsonpath.New("title"), knownvalue.StringExact("Getting started")),
				statecheck.ExpectKnownValue(pageRes, tfjsonpath.New("description"), knownvalue.StringExact("First steps")),
				statecheck.ExpectKnownValue(pageRes, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
				statecheck.ExpectKnownValue(pageRes, tfjsonpath.New("status"), knownvalue.StringExact("published")),
				statecheck.ExpectKnownValue("devportal_portal_page.parent", tfjsonpath.New("title"), knownvalue.StringExact("Guides")),
				statecheck.ExpectKnownValue("devportal_portal_page.parent", tfjsonpath.New("status"), knownvalue.StringExact("unpublished")),
				statecheck.ExpectKnownValue("devportal_portal_page.parent", tfjsonpath.New("description"), knownvalue.StringExact("")),
				statecheck.CompareValuePairs(pageRes, tfjsonpath.New("parent_page_id"),
					"devportal_portal_page.parent", tfjsonpath.New("id"), compare.ValuesSame()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccPortalPage_update checks that slug, content, visibility, description and parent change
// in place, and that the server holds the new values.
func TestAccPortalPage_update(t *testing.T) {
	name := acctest.RandomName("page")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{
			{Config: portalPageConfig(name, `
  slug           = "intro"
  parent_page_id = devportal_portal_page.parent.id
  content        = "# Intro"
  description    = "Old"`)},
			{
				Config: portalPageConfig(name, `
  slug        = "/introduction"
  title       = "Introduction"
  content     = "# Introduction\n\nMoved to the top."
  visibility  = "public"
  status      = "published"
  description = ""`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(pageRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[pageRes]
					p, err := acctest.Client(t).GetPortalPage(context.Background(), rs.Primary.Attributes["portal_id"], rs.Primary.ID)
					if err != nil {
						return err
					}
					if p.Slug != "/introduction" || p.Title != "Introduction" || p.ParentPageID != nil || (p.Description != nil && *p.Description != "") ||
						p.Visibility != "public" || p.Status != "published" {
						return fmt.Errorf("server has %+v", p)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPortalPage_import checks that a page imports by <portal_id>/<page_id> with the state it
// was created with, and that an import block plans no change.
func TestAccPortalPage_import(t *testing.T) {
	config := portalPageConfig(acctest.RandomName("page"), `
  slug           = "faq"
  parent_page_id = devportal_portal_page.parent.id
  title          = "Questions"
  description    = "Answers"
  content        = "# FAQ"
  visibility     = "public"`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      pageRes,
				ImportState:       true,
				ImportStateIdFunc: importID(pageRes, "portal_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            config,
				ResourceName:      pageRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(pageRes, "portal_id", "id"),
			},
		},
	})
}

// TestAccPortalPage_homePage checks that a page with slug "/" takes over the home page the portal
// was created with instead of adding a second one, and that the website's home shows it.
func TestAccPortalPage_homePage(t *testing.T) {
	name := acctest.RandomName("home")
	var homeID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{
			{Config: portalConfig(name, ``),
				Check: func(s *terraformState) error {
					pages, err := acctest.Client(t).ListPortalPages(context.Background(), s.RootModule().Resources["devportal_portal.test"].Primary.ID)
					if err != nil {
						return err
					}
					if len(pages) != 1 || pages[0].Slug != "/" {
						return fmt.Errorf("a new portal has pages %+v, want one home page", pages)
					}
					homeID = pages[0].ID
					return nil
				},
			},
			{
				Config: portalConfig(name, ``) + `
resource "devportal_portal_page" "home" {
  portal_id  = devportal_portal.test.id
  slug       = "/"
  content    = "# Welcome, partners"
  visibility = "public"
  status     = "published"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_portal_page.home", tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
						if id != homeID {
							return fmt.Errorf("page %s was created; want the home page %s taken over", id, homeID)
						}
						return nil
					})),
					statecheck.ExpectKnownValue("devportal_portal_page.home", tfjsonpath.New("title"), knownvalue.StringExact("Home")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					pages, err := acctest.Client(t).ListPortalPages(context.Background(), s.RootModule().Resources["devportal_portal.test"].Primary.ID)
					if err != nil {
						return err
					}
					if len(pages) != 1 {
						return fmt.Errorf("the portal has pages %+v, want only its home page", pages)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPortalPage_deletedOutOfBand checks that a page deleted behind Terraform's back is planned
// for creation again.
func TestAccPortalPage_deletedOutOfBand(t *testing.T) {
	config := portalPageConfig(acctest.RandomName("page"), `
  slug    = "gone"
  content = "# Gone"`)
	var portalID, pageID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[pageRes]
					portalID, pageID = rs.Primary.Attributes["portal_id"], rs.Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeletePortalPage(context.Background(), portalID, pageID); err != nil {
						t.Fatalf("deleting the page out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(pageRes, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccPortalPage_region checks a page of a portal in another region: it lives there, is
// invisible from the default region, and imports with the region before its composite ID.
func TestAccPortalPage_region(t *testing.T) {
	config := acctest.ProviderConfig("eu") + portalPageConfig(acctest.RandomName("page-eu"), `
  slug    = "intro"
  content = "# Intro"
  status  = "published"`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pageRes, tfjsonpath.New("region"), knownvalue.StringExact("eu")),
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[pageRes]
					ctx, portalID := context.Background(), rs.Primary.Attributes["portal_id"]
					if _, err := acctest.RegionClient(t, "eu").GetPortalPage(ctx, portalID, rs.Primary.ID); err != nil {
						return fmt.Errorf("page %s not found in eu: %w", rs.Primary.ID, err)
					}
					if _, err := acctest.RegionClient(t, "us").GetPortalPage(ctx, portalID, rs.Primary.ID); !client.IsNotFound(err) {
						return fmt.Errorf("page %s of eu seen from us: err = %v", rs.Primary.ID, err)
					}
					return nil
				},
			},
			{
				ResourceName:      pageRes,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraformState) (string, error) {
					id, err := importID(pageRes, "portal_id", "id")(s)
					return "eu/" + id, err
				},
			},
		},
	})
}

// TestAccPortalPage_invalidConfig checks that slugs, enums and a title the front matter
// contradicts are refused at plan time, with the attribute named.
func TestAccPortalPage_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"nested slug":   {"slug = \"/a/b\"\n  content = \"x\"", `(?s)slug.*one path segment`},
		"empty slug":    {"slug = \"\"\n  content = \"x\"", `(?s)slug.*length`},
		"visibility":    {"slug = \"a\"\n  content = \"x\"\n  visibility = \"secret\"", `(?s)visibility.*value must be one of`},
		"status":        {"slug = \"a\"\n  content = \"x\"\n  status = \"draft\"", `(?s)status.*value must be one of`},
		"parent":        {"slug = \"a\"\n  content = \"x\"\n  parent_page_id = \"home\"", `(?s)parent_page_id.*UUID`},
		"long summary":  {"slug = \"a\"\n  content = \"x\"\n  description = \"" + longString(161) + "\"", `(?s)description.*length`},
		"front matter":  {"slug = \"a\"\n  title = \"Mine\"\n  content = \"---\\ntitle: Theirs\\n---\\n\"", `(?s)Conflicting title.*front matter`},
		"missing slug":  {`content = "x"`, `(?s)"slug" is required`},
		"empty content": {"slug = \"a\"", `(?s)"content" is required`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      portalPageConfig(acctest.RandomName("page"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

// TestAccPortalPage_serverRefusal checks that a refusal only the server can make, a parent that is
// not a page of the portal, lands on the attribute it concerns.
func TestAccPortalPage_serverRefusal(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalPagesGone(t),
		Steps: []resource.TestStep{{
			Config: portalPageConfig(acctest.RandomName("page"), `
  slug           = "child"
  content        = "x"
  parent_page_id = "00000000-0000-4000-8000-000000000000"`),
			ExpectError: regexp.MustCompile(`(?s)Unable to create portal page.*parent_page_id`),
		}},
	})
}

// portalPageConfig is a portal with a parent page and the page under test, whose arguments
// besides portal_id are body.
func portalPageConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %q
}

resource "devportal_portal_page" "parent" {
  portal_id = devportal_portal.test.id
  slug      = "/guides"
  content   = "# Guides"
}

resource "devportal_portal_page" "test" {
  portal_id = devportal_portal.test.id
  %s
}
`, name, body)
}

// checkPortalPagesGone verifies that every devportal_portal_page left the server.
func checkPortalPagesGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_portal_page" {
				continue
			}
			_, err := acctest.Client(t).GetPortalPage(context.Background(), rs.Primary.Attributes["portal_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("page %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
