package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const developerAddr = "devportal_developer.test"

func developerConfig(f portalFixture, email, name, extra string) string {
	return fixtureLocals(f) + fmt.Sprintf(`
resource "devportal_developer" "test" {
  portal_id = local.portal_id
  email     = %q
  full_name = %q
%s
}
`, email, name, extra)
}

func TestAccDeveloper_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	email, other := randomEmail("dev"), randomEmail("dev2")
	var id string
	importID := func(*terraformState) (string, error) { return f.PortalID + "/" + id, nil }
	c := acctest.Client(t)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Without a status, the portal's approval rule decides: approval required.
				Config: developerConfig(f, email, "Ada Lovelace", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(developerAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(developerAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
					statecheck.ExpectKnownValue(developerAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				},
				Check: resource.TestCheckResourceAttrWith(developerAddr, "id", func(v string) error { id = v; return nil }),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Approving updates the developer in place.
				Config: developerConfig(f, email, "Ada Lovelace", `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(developerAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					d, err := c.GetDeveloper(context.Background(), f.PortalID, id)
					if err != nil {
						return err
					}
					if d.Status != client.DeveloperApproved {
						return fmt.Errorf("server status %q, want approved", d.Status)
					}
					return nil
				},
			},
			{
				ResourceName:      developerAddr,
				ImportState:       true,
				ImportStateIdFunc: importID,
				ImportStateVerify: true,
			},
			{
				Config:            developerConfig(f, email, "Ada Lovelace", `  status = "approved"`),
				ResourceName:      developerAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
			},
			{
				// A status changed behind Terraform's back shows up and is set back in place.
				PreConfig: func() {
					if _, err := c.UpdateDeveloper(context.Background(), f.PortalID, id, client.UpdateDeveloperRequest{Status: client.DeveloperRevoked}); err != nil {
						t.Fatalf("revoking developer %s out of band: %v", id, err)
					}
				},
				Config: developerConfig(f, email, "Ada Lovelace", `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(developerAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(developerAddr, tfjsonpath.New("status"), knownvalue.StringExact("approved")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A new address updates the developer in place.
				Config: developerConfig(f, other, "Ada Lovelace", `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(developerAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.TestCheckResourceAttrWith(developerAddr, "id", sameID(&id)),
			},
			{
				// A developer deleted behind Terraform's back is created again.
				PreConfig: func() {
					if err := c.DeleteDeveloper(context.Background(), f.PortalID, id); err != nil {
						t.Fatalf("deleting developer %s out of band: %v", id, err)
					}
				},
				Config: developerConfig(f, other, "Ada Lovelace", `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(developerAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccDeveloper_importSelfService imports a developer who signed up through the portal: with
// the address and name they gave, the plan is empty.
func TestAccDeveloper_importSelfService(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true, autoApproveDevelopers: true})
	email := randomEmail("self")
	dev := newDeveloperSession(t, f.PortalID, email)
	dev.signUp("Grace Hopper")
	if status := dev.login(); status != http.StatusNoContent {
		t.Fatalf("auto-approved developer cannot log in: status %d", status)
	}
	id := dev.me()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          developerConfig(f, email, "Grace Hopper", ""),
				ResourceName:    developerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   f.PortalID + "/" + id,
			},
			{
				Config:       developerConfig(f, email, "Grace Hopper", ""),
				ResourceName: developerAddr,
				ImportState:  true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["status"] != "approved" || states[0].Attributes["email"] != email {
						return fmt.Errorf("imported %v", states)
					}
					return nil
				},
				ImportStateId: f.PortalID + "/" + id,
			},
		},
	})
}

// TestAccDeveloper_updateInPlace corrects a developer's name and address: the developer, and the
// application they own, stay.
func TestAccDeveloper_updateInPlace(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	email, corrected := randomEmail("typo"), randomEmail("fixed")
	c := acctest.Client(t)
	var id, appID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: developerConfig(f, email, "Ada Lovelce", `  status = "approved"`),
				Check: resource.TestCheckResourceAttrWith(developerAddr, "id", func(v string) error {
					id = v
					app, err := c.CreateApplication(context.Background(), f.PortalID, client.CreateApplicationRequest{
						Name: "engine", Owner: client.DeveloperOwner(v),
					})
					if err != nil {
						return err
					}
					appID = app.ID
					return nil
				}),
			},
			{
				Config: developerConfig(f, corrected, "Ada Lovelace", `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(developerAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(developerAddr, "id", sameID(&id)),
					func(*terraformState) error {
						d, err := c.GetDeveloper(context.Background(), f.PortalID, id)
						if err != nil {
							return err
						}
						if d.FullName != "Ada Lovelace" || d.Email != corrected {
							return fmt.Errorf("server has %q <%s>, want Ada Lovelace <%s>", d.FullName, d.Email, corrected)
						}
						if _, err := c.GetApplication(context.Background(), f.PortalID, appID); err != nil {
							return fmt.Errorf("the developer's application is gone: %w", err)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccDeveloper_mixedCaseEmail writes an address with capitals, which the server stores
// lower-case: the plan is empty after apply, and after an import by address.
func TestAccDeveloper_mixedCaseEmail(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	email := "Ada." + strings.ToUpper(randomEmail("Mixed"))
	config := developerConfig(f, email, "Ada Lovelace", "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(developerAddr, tfjsonpath.New("email"), knownvalue.StringExact(email)),
				},
				Check: func(s *terraformState) error {
					id := s.RootModule().Resources[developerAddr].Primary.Attributes["id"]
					d, err := acctest.Client(t).GetDeveloper(context.Background(), f.PortalID, id)
					if err != nil {
						return err
					}
					if d.Email != strings.ToLower(email) {
						return fmt.Errorf("server stores %q, want %q", d.Email, strings.ToLower(email))
					}
					return nil
				},
			},
			{
				Config:            config,
				ResourceName:      developerAddr,
				ImportState:       true,
				ImportStateId:     f.PortalID + "/" + email,
				ImportStateVerify: true,
			},
			{
				Config:          config,
				ResourceName:    developerAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   f.PortalID + "/" + email,
			},
		},
	})
}

func TestAccDeveloper_invalidConfig(t *testing.T) {
	f := portalFixture{PortalID: "7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f"}
	tests := map[string]struct {
		email, extra, want string
	}{
		"not an e-mail":  {"ada", "", `must be an e-mail address`},
		"unknown status": {"ada@example.com", `  status = "active"`, `status value must be one of`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      developerConfig(f, tt.email, "Ada", tt.extra),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func TestAccDeveloper_importInvalidID(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        developerConfig(f, randomEmail("dev"), "Ada", ""),
			ResourceName:  developerAddr,
			ImportState:   true,
			ImportStateId: f.PortalID,
			ExpectError:   regexp.MustCompile(`<portal_id>/<developer_id> or <portal_id>/<email>`),
		}},
	})
}
