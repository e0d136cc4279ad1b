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

const documentRes = "devportal_api_document.test"

// TestAccAPIDocument_create checks a document named by its front matter alone, under a parent:
// the slug derives from the title and a second plan is empty.
func TestAccAPIDocument_create(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIDocumentsGone(t),
		Steps: []resource.TestStep{{
			Config: apiDocumentConfig(acctest.RandomName("doc"), `
  parent_document_id = devportal_api_document.parent.id
  content            = "---\ntitle: Key rotation\n---\n# Key rotation\n"
  status             = "published"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(documentRes, tfjsonpath.New("title"), knownvalue.StringExact("Key rotation")),
				statecheck.ExpectKnownValue(documentRes, tfjsonpath.New("slug"), knownvalue.StringExact("key-rotation")),
				statecheck.ExpectKnownValue(documentRes, tfjsonpath.New("status"), knownvalue.StringExact("published")),
				statecheck.ExpectKnownValue("devportal_api_document.parent", tfjsonpath.New("status"), knownvalue.StringExact("unpublished")),
				statecheck.CompareValuePairs(documentRes, tfjsonpath.New("parent_document_id"),
					"devportal_api_document.parent", tfjsonpath.New("id"), compare.ValuesSame()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccAPIDocument_update checks that title, slug, content, status and parent change in place.
func TestAccAPIDocument_update(t *testing.T) {
	name := acctest.RandomName("doc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIDocumentsGone(t),
		Steps: []resource.TestStep{
			{Config: apiDocumentConfig(name, `
  title   = "Errors"
  content = "# Errors"`)},
			{
				Config: apiDocumentConfig(name, `
  title              = "Error codes"
  slug               = "error-codes"
  content            = "# Error codes\n\n429 means slow down."
  status             = "published"
  parent_document_id = devportal_api_document.parent.id`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(documentRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[documentRes]
					d, err := acctest.Client(t).GetAPIDocument(context.Background(), rs.Primary.Attributes["api_id"], rs.Primary.ID)
					if err != nil {
						return err
					}
					if d.Title != "Error codes" || d.Slug != "error-codes" || d.Status != "published" || d.ParentDocumentID == nil {
						return fmt.Errorf("server has %+v", d)
					}
					return nil
				},
			},
		},
	})
}

// TestAccAPIDocument_import checks that a document imports by <api_id>/<document_id> with the
// state it was created with, and that an import block plans no change.
func TestAccAPIDocument_import(t *testing.T) {
	config := apiDocumentConfig(acctest.RandomName("doc"), `
  title              = "Webhooks"
  slug               = "hooks"
  content            = "# Webhooks"
  status             = "published"
  parent_document_id = devportal_api_document.parent.id`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIDocumentsGone(t),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      documentRes,
				ImportState:       true,
				ImportStateIdFunc: importID(documentRes, "api_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            config,
				ResourceName:      documentRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(documentRes, "api_id", "id"),
			},
		},
	})
}

// TestAccAPIDocument_slugTaken checks that the server's refusal of a slug another document of
// the API has is reported.
func TestAccAPIDocument_slugTaken(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIDocumentsGone(t),
		Steps: []resource.TestStep{{
			Config: apiDocumentConfig(acctest.RandomName("doc"), `
  slug       = "overview"
  content    = "# Another overview"
  depends_on = [devportal_api_document.parent]`),
			ExpectError: regexp.MustCompile(`(?s)Unable to create API document.*overview`),
		}},
	})
}

// TestAccAPIDocument_invalidConfig checks that slugs, enums and a document without a name are
// refused at plan time.
func TestAccAPIDocument_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"slug with a slash": {"slug = \"a/b\"\n  content = \"x\"", `(?s)slug.*letters, digits`},
		"status":            {"title = \"a\"\n  content = \"x\"\n  status = \"live\"", `(?s)status.*value must be one of`},
		"no name":           {`content = "just text"`, `(?s)Missing document title`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      apiDocumentConfig(acctest.RandomName("doc"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

// apiDocumentConfig is an API with a parent document ("Overview") and the document under test.
func apiDocumentConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_api" "test" {
  name = %q
}

resource "devportal_api_document" "parent" {
  api_id  = devportal_api.test.id
  title   = "Overview"
  content = "# Overview"
}

resource "devportal_api_document" "test" {
  api_id = devportal_api.test.id
  %s
}
`, name, body)
}

// checkAPIDocumentsGone verifies that every devportal_api_document left the server.
func checkAPIDocumentsGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_api_document" {
				continue
			}
			_, err := acctest.Client(t).GetAPIDocument(context.Background(), rs.Primary.Attributes["api_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("document %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
