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

const customizationRes = "devportal_portal_customization.test"

// TestAccPortalCustomization_partial checks that setting only the theme's mode keeps everything
// else as the portal had it, reports it, and plans nothing more.
func TestAccPortalCustomization_partial(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: portalCustomizationConfig(acctest.RandomName("look"), `theme = { mode = "dark" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("theme"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":   knownvalue.StringExact("default"),
					"mode":   knownvalue.StringExact("dark"),
					"colors": knownvalue.ObjectExact(map[string]knownvalue.Check{"primary": knownvalue.StringExact("#1155cb")}),
				})),
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("layout"), knownvalue.StringExact("default")),
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("css"), knownvalue.Null()),
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("menu").AtMapKey("main"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"path": knownvalue.StringExact("/apis"), "title": knownvalue.StringExact("APIs"),
						"visibility": knownvalue.StringExact("public"), "external": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("spec_renderer").AtMapKey("try_it_ui"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("spec_renderer").AtMapKey("hide_internal"), knownvalue.Bool(false)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccPortalCustomization_update checks that menus, colours, CSS and renderer options change in
// place, that what a step leaves out keeps its value, and that the server holds the result.
func TestAccPortalCustomization_update(t *testing.T) {
	name := acctest.RandomName("look")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: portalCustomizationConfig(name, `
  css           = "body { margin: 0 }"
  spec_renderer = { hide_deprecated = true }`)},
			{
				Config: portalCustomizationConfig(name, `
  theme = { colors = { primary = "#0B6E4F" } }
  menu = {
    main = [
      { path = "/apis", title = "APIs" },
      { path = "/guides", title = "Guides", visibility = "private" },
    ]
    footer_sections = [{
      title = "Company"
      items = [{ path = "https://example.com/about", title = "About", external = true }]
    }]
  }
  spec_renderer = { try_it_ui = false }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customizationRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					pc, err := acctest.Client(t).GetPortalCustomization(context.Background(), s.RootModule().Resources[customizationRes].Primary.ID)
					if err != nil {
						return err
					}
					sr := pc.SpecRenderer
					switch {
					case pc.Theme == nil || pc.Theme.Colors == nil || *pc.Theme.Colors.Primary != "#0B6E4F" || *pc.Theme.Mode != "light":
						return fmt.Errorf("theme %+v", pc.Theme)
					case pc.CSS.Pointer() == nil || *pc.CSS.Pointer() != "body { margin: 0 }":
						return fmt.Errorf("css %+v: a step that leaves it out must keep it", pc.CSS)
					case len(pc.Menu.Main) != 2 || pc.Menu.Main[1].Visibility != "private" || len(pc.Menu.FooterSections) != 1 ||
						!pc.Menu.FooterSections[0].Items[0].External:
						return fmt.Errorf("menu %+v", pc.Menu)
					case *sr.TryItUI || !*sr.HideDeprecated:
						return fmt.Errorf("spec_renderer %+v", sr)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPortalCustomization_import checks that a customization imports by the portal's ID with
// the state it was created with, and that an import block plans no change.
func TestAccPortalCustomization_import(t *testing.T) {
	config := portalCustomizationConfig(acctest.RandomName("look"), `
  layout = "wide"
  css    = ""
  robots = "User-agent: *\nDisallow: /"
  menu = {
    footer_bottom = [{ path = "/terms", title = "Terms" }]
  }`)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{ResourceName: customizationRes, ImportState: true, ImportStateVerify: true},
			{Config: config, ResourceName: customizationRes, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		},
	})
}

// TestAccPortalCustomization_destroyResets checks that destroying the resource puts back the
// customization of a new portal, while the portal stays.
func TestAccPortalCustomization_destroyResets(t *testing.T) {
	name := acctest.RandomName("look")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: portalCustomizationConfig(name, `
  theme  = { name = "midnight", mode = "dark" }
  css    = "h1 { color: red }"
  menu   = { main = [] }`)},
			{
				Config: portalConfig(name, ``),
				Check: func(s *terraformState) error {
					pc, err := acctest.Client(t).GetPortalCustomization(context.Background(), s.RootModule().Resources["devportal_portal.test"].Primary.ID)
					if err != nil {
						return err
					}
					if *pc.Theme.Name != "default" || *pc.Theme.Mode != "light" || !pc.CSS.IsNull() || len(pc.Menu.Main) != 1 {
						return fmt.Errorf("after destroy the customization is %+v, %+v, %+v; want a new portal's", pc.Theme, pc.CSS, pc.Menu)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPortalCustomization_drift checks that a configured value changed behind Terraform's back
// shows in the plan and is put back by apply.
func TestAccPortalCustomization_drift(t *testing.T) {
	config := portalCustomizationConfig(acctest.RandomName("look"), `theme = { mode = "dark" }`)
	var portalID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraformState) error {
					portalID = s.RootModule().Resources[customizationRes].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					light := client.ThemeModeLight
					_, err := acctest.Client(t).UpdatePortalCustomization(context.Background(), portalID,
						client.PortalCustomization{Theme: &client.PortalTheme{Mode: &light}})
					if err != nil {
						t.Fatalf("changing the theme out of band: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customizationRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customizationRes, tfjsonpath.New("theme").AtMapKey("mode"), knownvalue.StringExact("dark")),
				},
			},
		},
	})
}

// TestAccPortalCustomization_invalidConfig checks that colours, modes and menu links are refused
// at plan time, on the attribute concerned.
func TestAccPortalCustomization_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"colour":            {`theme = { colors = { primary = "green" } }`, `(?s)theme.colors.primary.*hex colour`},
		"mode":              {`theme = { mode = "dim" }`, `(?s)theme.mode.*value must be one of`},
		"relative link":     {`menu = { main = [{ path = "apis", title = "APIs" }] }`, `(?s)menu.main\[0\].path.*starts with '/'`},
		"external relative": {`menu = { footer_bottom = [{ path = "/x", title = "X", external = true }] }`, `(?s)menu.footer_bottom\[0\].path.*http`},
		"site link":         {`menu = { main = [{ path = "https://example.com", title = "X" }] }`, `(?s)needs\s+external = true`},
		"link visibility":   {`menu = { main = [{ path = "/x", title = "X", visibility = "hidden" }] }`, `(?s)visibility.*value must be one of`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      portalCustomizationConfig(acctest.RandomName("look"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func portalCustomizationConfig(name, body string) string {
	return portalConfig(name, ``) + fmt.Sprintf(`
resource "devportal_portal_customization" "test" {
  portal_id = devportal_portal.test.id
  %s
}
`, body)
}
