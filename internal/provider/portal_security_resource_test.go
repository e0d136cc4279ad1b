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

func TestAccPortalSecurity_lifecycle(t *testing.T) {
	name := acctest.RandomName("portal-sec")
	var portalID, serverDefault string
	const addr = "devportal_portal_security.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Unset arguments report the portal's values, including the
				// key-auth default strategy the server created with the portal.
				Config: portalSecurityConfig(name, `
  auto_approve_developers = true`),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(v string) error { portalID = v; return nil }),
					resource.TestCheckResourceAttrPair(addr, "id", "devportal_portal.test", "id"),
					resource.TestCheckResourceAttrWith(addr, "default_application_auth_strategy_id", func(v string) error {
						if v == "" {
							return fmt.Errorf("expected the server-created key-auth strategy as default")
						}
						serverDefault = v
						return nil
					}),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("auto_approve_developers"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("authentication_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("rbac_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("auto_approve_applications"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_api_visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_page_visibility"), knownvalue.StringExact("private")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("basic_auth_enabled"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: portalSecurityConfig(name, securityFull),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("rbac_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("auto_approve_applications"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_api_visibility"), knownvalue.StringExact("public")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_page_visibility"), knownvalue.StringExact("public")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("basic_auth_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_application_auth_strategy_id"), knownvalue.StringExact("")),
				},
				Check: func(*terraformState) error {
					p, err := acctest.Client(t).GetPortal(context.Background(), portalID)
					if err != nil {
						return err
					}
					if p.DefaultApplicationAuthStrategyID != nil {
						return fmt.Errorf("default strategy = %q, want null", *p.DefaultApplicationAuthStrategyID)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:          portalSecurityConfig(name, securityFull),
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// A change behind Terraform's back shows as drift and is undone.
				PreConfig: func() {
					off := false
					_, err := acctest.Client(t).UpdatePortal(context.Background(), portalID, client.UpdatePortalRequest{AutoApproveApplications: &off})
					if err != nil {
						t.Fatalf("changing portal %s out of band: %v", portalID, err)
					}
				},
				Config: portalSecurityConfig(name, securityFull),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("auto_approve_applications"), knownvalue.Bool(true)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Destroying the settings puts the defaults back. The original strategy, which the
				// server created with the portal, went when step 2 cleared the default, so the
				// portal is left without one.
				Config: portalOnlyConfig(name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroy)},
				},
				Check: func(*terraformState) error {
					if _, err := acctest.Client(t).GetAuthStrategy(context.Background(), serverDefault); !client.IsNotFound(err) {
						return fmt.Errorf("strategy %s the server created with the portal: err = %v, want 404", serverDefault, err)
					}
					return checkSecurityDefaults(t, portalID, "")
				},
			},
		},
	})
}

func TestAccPortalSecurity_defaultStrategy(t *testing.T) {
	name := acctest.RandomName("portal-sec")
	const addr = "devportal_portal_security.test"
	config := fmt.Sprintf(`
resource "devportal_application_auth_strategy" "test" {
  name = %[1]q
  key_auth = {
    key_names = ["x-api-key"]
  }
}
`, name) + portalSecurityConfig(name, `
  default_application_auth_strategy_id = devportal_application_auth_strategy.test.id`)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  resource.TestCheckResourceAttrPair(addr, "default_application_auth_strategy_id", "devportal_application_auth_strategy.test", "id"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Deleting the portal security first releases the strategy so that destroy succeeds.
				Config:  config,
				Destroy: true,
			},
		},
	})
}

func TestAccPortalSecurity_deletedPortal(t *testing.T) {
	name := acctest.RandomName("portal-sec")
	var portalID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: portalSecurityConfig(name, `rbac_enabled = true`),
				Check:  resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(v string) error { portalID = v; return nil }),
			},
			{
				// The portal disappears: both resources are planned for creation again.
				PreConfig: func() {
					if err := acctest.Client(t).DeletePortal(context.Background(), portalID, true); err != nil {
						t.Fatalf("deleting portal %s out of band: %v", portalID, err)
					}
				},
				Config: portalSecurityConfig(name, `rbac_enabled = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("devportal_portal.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("devportal_portal_security.test", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccPortalSecurity_rbacWithAuthenticationOff refuses at plan time to turn RBAC on while
// authentication, left out of the configuration, is off on the portal.
func TestAccPortalSecurity_rbacWithAuthenticationOff(t *testing.T) {
	name := acctest.RandomName("portal-sec")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: portalSecurityConfig(name, `authentication_enabled = false`)},
			{
				Config:      portalSecurityConfig(name, `rbac_enabled = true`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)RBAC needs authentication.*authentication_enabled = true`),
			},
		},
	})
}

func TestAccPortalSecurity_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"rbac without authentication": {"authentication_enabled = false\n  rbac_enabled = true", `(?s)RBAC needs authentication.*rbac_enabled`},
		"visibility enum":             {`default_api_visibility = "internal"`, `(?s)default_api_visibility.*value must be one of`},
		"strategy id":                 {`default_application_auth_strategy_id = "key-auth"`, `(?s)Invalid ID.*default_application_auth_strategy_id`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      portalSecurityConfig(acctest.RandomName("portal-sec"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

const securityFull = `
  authentication_enabled               = true
  rbac_enabled                         = true
  auto_approve_developers              = true
  auto_approve_applications            = true
  default_api_visibility               = "public"
  default_page_visibility              = "public"
  default_application_auth_strategy_id = ""
  basic_auth_enabled                   = false`

func portalOnlyConfig(name string) string {
	return fmt.Sprintf(`
resource "devportal_portal" "test" {
  name          = %q
  force_destroy = true
}
`, name)
}

func portalSecurityConfig(name, body string) string {
	return portalOnlyConfig(name) + fmt.Sprintf(`
resource "devportal_portal_security" "test" {
  portal_id = devportal_portal.test.id
  %s
}
`, body)
}

// checkSecurityDefaults verifies the settings that destroying
// devportal_portal_security puts back, with wantStrategy "" for no default strategy.
func checkSecurityDefaults(t *testing.T, portalID, wantStrategy string) error {
	ctx := context.Background()
	c := acctest.Client(t)
	p, err := c.GetPortal(ctx, portalID)
	if err != nil {
		return err
	}
	s, err := c.GetPortalAuthenticationSettings(ctx, portalID)
	if err != nil {
		return err
	}
	if !p.AuthenticationEnabled || p.RBACEnabled || p.AutoApproveDevelopers || p.AutoApproveApplications ||
		p.DefaultAPIVisibility != "private" || p.DefaultPageVisibility != "private" || !s.BasicAuthEnabled {
		return fmt.Errorf("defaults not restored: %+v, basic auth %v", p, s.BasicAuthEnabled)
	}
	if got := p.DefaultApplicationAuthStrategyID; (got == nil) != (wantStrategy == "") || (got != nil && *got != wantStrategy) {
		return fmt.Errorf("default strategy = %v, want %q (\"\" for none)", got, wantStrategy)
	}
	return nil
}
