package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// lateString is a Terraform variable whose value is read when the step writes its variables,
// for ids that a developer's actions produce between steps.
type lateString struct{ p *string }

func (v lateString) MarshalJSON() ([]byte, error) { return json.Marshal(*v.p) }

// TestAccSelfService_story walks the self-service story as a developer does it over HTTP, with
// the administrator's decisions made by Terraform, for both approval settings.
func TestAccSelfService_story(t *testing.T) {
	for name, approval := range map[string]bool{"approval required": true, "auto-approval": false} {
		t.Run(name, func(t *testing.T) { testSelfServiceStory(t, approval) })
	}
}

func testSelfServiceStory(t *testing.T, approvalRequired bool) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{
		autoApproveDevelopers:   !approvalRequired,
		autoApproveApplications: !approvalRequired,
	})
	email := randomEmail("story")
	dev := newDeveloperSession(t, f.PortalID, email)
	var developerID, applicationID, registrationID, secret string

	// The developer signs up; with approval required they cannot log in yet.
	dev.signUp("Story Developer")
	wantLogin := http.StatusNoContent
	if approvalRequired {
		wantLogin = http.StatusUnauthorized
	}
	if got := dev.login(); got != wantLogin {
		t.Fatalf("login after sign-up: status %d, want %d", got, wantLogin)
	}
	devs, err := acctest.Client(t).ListAllDevelopers(context.Background(), f.PortalID, client.DeveloperListOptions{Email: email})
	if err != nil || len(devs) != 1 {
		t.Fatalf("looking up developer %s: %v %v", email, devs, err)
	}
	developerID = devs[0].ID

	vars := config.Variables{
		"portal_id":       config.StringVariable(f.PortalID),
		"api_id":          config.StringVariable(f.APIID),
		"developer_id":    lateString{&developerID},
		"application_id":  lateString{&applicationID},
		"registration_id": lateString{&registrationID},
	}
	// The administrator approves what needs approval and otherwise takes over the objects as they are.
	decide := func(status string) string {
		if approvalRequired {
			return fmt.Sprintf("status = %q", status)
		}
		return ""
	}
	developerCfg := storyVariables + fmt.Sprintf(`
import {
  to = devportal_developer.self
  id = "${var.portal_id}/${var.developer_id}"
}

resource "devportal_developer" "self" {
  portal_id = var.portal_id
  email     = %q
  full_name = "Story Developer"
  %s
}
`, email, decide("approved"))
	registrationCfg := func(status string) string {
		return developerCfg + fmt.Sprintf(`
import {
  to = devportal_application_registration.self
  id = "${var.portal_id}/${var.application_id}/${var.registration_id}"
}

resource "devportal_application_registration" "self" {
  portal_id      = var.portal_id
  application_id = var.application_id
  api_id         = var.api_id
  %s
}
`, status)
	}
	importAction := plancheck.ResourceActionNoop
	if approvalRequired {
		importAction = plancheck.ResourceActionUpdate
	}
	gatewayHonours := func(want bool) error {
		hashes := gatewayKeyHashes(t, f.ControlPlaneID)[applicationID]
		if got := slices.Contains(hashes, sha256Hex(secret)); got != want {
			return fmt.Errorf("gateway honours the developer's key: %v, want %v", got, want)
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Terraform takes over the developer, approving them when needed.
				Config:          developerCfg,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_developer.self", importAction)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					if got := dev.login(); got != http.StatusNoContent {
						return fmt.Errorf("login after approval: status %d", got)
					}
					if got := dev.me(); got != developerID {
						return fmt.Errorf("signed in as %s, want %s", got, developerID)
					}
					return nil
				},
			},
			{
				// The developer creates an application and registers it; Terraform takes the
				// registration over, approving it when needed.
				PreConfig: func() {
					app := dev.do(http.MethodPost, "/applications", map[string]any{"name": "story-app"}).
						expect(t, "create application", http.StatusCreated)
					applicationID, _ = app.Body["id"].(string)
					reg := dev.do(http.MethodPost, "/applications/"+applicationID+"/registrations", map[string]any{"api_id": f.APIID}).
						expect(t, "register", http.StatusCreated)
					registrationID, _ = reg.Body["id"].(string)
					want := client.RegistrationApproved
					if approvalRequired {
						want = client.RegistrationPending
					}
					if reg.Body["status"] != want {
						t.Fatalf("new registration has status %v, want %s", reg.Body["status"], want)
					}
				},
				Config:          registrationCfg(decide("approved")),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_application_registration.self", importAction)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					res := dev.do(http.MethodGet, "/applications/"+applicationID+"/registrations/"+registrationID, nil)
					if res.Status != http.StatusOK || res.Body["status"] != client.RegistrationApproved {
						return fmt.Errorf("developer sees registration: %d %s", res.Status, res.Raw)
					}
					return nil
				},
			},
			{
				// The developer creates a key, which the gateway honours; then Terraform revokes the
				// registration and the gateway stops honouring it.
				PreConfig: func() {
					res := dev.do(http.MethodPost, "/applications/"+applicationID+"/credentials", map[string]any{"display_name": "laptop"}).
						expect(t, "create key", http.StatusCreated)
					secret, _ = res.Body["credential"].(string)
					if secret == "" {
						t.Fatalf("key creation did not return the key: %s", res.Raw)
					}
					if err := gatewayHonours(true); err != nil {
						t.Fatal(err)
					}
				},
				Config:          registrationCfg(`status = "revoked"`),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_application_registration.self", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					res := dev.do(http.MethodGet, "/applications/"+applicationID+"/registrations/"+registrationID, nil)
					if res.Status != http.StatusOK || res.Body["status"] != client.RegistrationRevoked {
						return fmt.Errorf("developer sees registration: %d %s", res.Status, res.Raw)
					}
					if err := gatewayHonours(false); err != nil {
						return err
					}
					// The developer deletes the key; the list is then empty.
					keys := dev.do(http.MethodGet, "/applications/"+applicationID+"/credentials", nil)
					data, _ := keys.Body["data"].([]any)
					if keys.Status != http.StatusOK || len(data) != 1 {
						return fmt.Errorf("developer's key list: %d %s", keys.Status, keys.Raw)
					}
					keyID, _ := data[0].(map[string]any)["id"].(string)
					if res := dev.do(http.MethodDelete, "/applications/"+applicationID+"/credentials/"+keyID, nil); res.Status != http.StatusNoContent {
						return fmt.Errorf("deleting key: %d %s", res.Status, res.Raw)
					}
					if res := dev.do(http.MethodDelete, "/applications/"+applicationID+"/credentials/"+keyID, nil); res.Status != http.StatusNotFound {
						return fmt.Errorf("deleting key again: %d %s", res.Status, res.Raw)
					}
					return nil
				},
			},
		},
	})
}

const storyVariables = `
variable "portal_id" { type = string }
variable "api_id" { type = string }
variable "developer_id" { type = string }
variable "application_id" { type = string }
variable "registration_id" { type = string }
`
