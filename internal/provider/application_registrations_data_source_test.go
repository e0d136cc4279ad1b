package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestAccApplicationRegistrationsDataSource(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{})
	api2, _ := publishedAPI(t, f.PortalID, false)
	ctx, c := context.Background(), acctest.Client(t)

	developer := func(email string) string {
		d, err := c.CreateDeveloper(ctx, f.PortalID, client.CreateDeveloperRequest{Email: email, FullName: "R", Status: client.DeveloperApproved})
		if err != nil {
			t.Fatalf("creating developer: %v", err)
		}
		return d.ID
	}
	application := func(name, owner string) string {
		a, err := c.CreateApplication(ctx, f.PortalID, client.CreateApplicationRequest{Name: name, Owner: client.DeveloperOwner(owner)})
		if err != nil {
			t.Fatalf("creating application: %v", err)
		}
		return a.ID
	}
	register := func(app, api, status string) string {
		r, err := c.CreateRegistration(ctx, f.PortalID, app, client.CreateRegistrationRequest{APIID: api, Status: status})
		if err != nil {
			t.Fatalf("registering %s with %s: %v", app, api, err)
		}
		return r.ID
	}
	devA, devB := developer(randomEmail("regs-a")), developer(randomEmail("regs-b"))
	appA, appB := application("app-a", devA), application("app-b", devB)
	aOne := register(appA, f.APIID, client.RegistrationApproved)
	aTwo := register(appA, api2, "")
	bOne := register(appB, f.APIID, "")

	lookup := func(filters string) string {
		return fixtureLocals(f) + fmt.Sprintf("data \"devportal_application_registrations\" \"test\" {\n  portal_id = local.portal_id\n%s\n}\n", filters)
	}
	ids := func(want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(want))
		for i, id := range want {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
		}
		return statecheck.ExpectKnownValue("data.devportal_application_registrations.test", tfjsonpath.New("registrations"), knownvalue.ListExact(checks))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lookup(""),
				ConfigStateChecks: []statecheck.StateCheck{
					ids(aOne, aTwo, bOne),
					statecheck.ExpectKnownValue("data.devportal_application_registrations.test", tfjsonpath.New("registrations").AtSliceIndex(0),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":               knownvalue.StringExact(aOne),
							"status":           knownvalue.StringExact("approved"),
							"suspended_reason": knownvalue.Null(),
							"api_id":           knownvalue.StringExact(f.APIID),
							"api_name":         knownvalue.NotNull(),
							"application_id":   knownvalue.StringExact(appA),
							"application_name": knownvalue.StringExact("app-a"),
							"created_at":       knownvalue.StringFunc(isRFC3339),
						})),
				},
			},
			{Config: lookup(`  status = "pending"`), ConfigStateChecks: []statecheck.StateCheck{ids(aTwo, bOne)}},
			{Config: lookup(fmt.Sprintf("  api_id = %q", api2)), ConfigStateChecks: []statecheck.StateCheck{ids(aTwo)}},
			{Config: lookup(fmt.Sprintf("  application_id = %q", appB)), ConfigStateChecks: []statecheck.StateCheck{ids(bOne)}},
			{Config: lookup(fmt.Sprintf("  developer_id = %q", devA)), ConfigStateChecks: []statecheck.StateCheck{ids(aOne, aTwo)}},
			{
				Config:            lookup(fmt.Sprintf("  developer_id = %q\n  status = \"pending\"", devA)),
				ConfigStateChecks: []statecheck.StateCheck{ids(aTwo)},
			},
			{
				// Published without application auth, the API's registrations are suspended.
				PreConfig: func() {
					if _, err := c.PublishAPI(ctx, f.APIID, f.PortalID, client.PublishRequest{AuthStrategyIDs: client.Null[[]string]()}); err != nil {
						t.Fatalf("dropping application auth: %v", err)
					}
				},
				Config: lookup(fmt.Sprintf("  api_id = %q", f.APIID)),
				ConfigStateChecks: []statecheck.StateCheck{
					ids(aOne, bOne),
					statecheck.ExpectKnownValue("data.devportal_application_registrations.test",
						tfjsonpath.New("registrations").AtSliceIndex(0).AtMapKey("suspended_reason"),
						knownvalue.StringRegexp(regexp.MustCompile("published without application auth"))),
					statecheck.ExpectKnownValue("data.devportal_application_registrations.test",
						tfjsonpath.New("registrations").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("approved")),
				},
			},
		},
	})
}

func TestAccApplicationCredentialsDataSource(t *testing.T) {
	acctest.PreCheck(t)
	k := newKeyApplication(t)
	c := acctest.Client(t)
	expires := time.Date(2032, 3, 1, 12, 0, 0, 0, time.UTC)
	first, err := c.IssueAPIKey(context.Background(), k.PortalID, k.ApplicationID, client.IssueAPIKeyRequest{DisplayName: "first"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.IssueAPIKey(context.Background(), k.PortalID, k.ApplicationID, client.IssueAPIKeyRequest{DisplayName: "second", ExpiresAt: &expires})
	if err != nil {
		t.Fatal(err)
	}
	config := fixtureLocals(k.portalFixture) + fmt.Sprintf(`
data "devportal_application_credentials" "test" {
  portal_id      = local.portal_id
  application_id = %q
}
`, k.ApplicationID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// Metadata only: the objects have no other attributes, so no secret can be there.
				statecheck.ExpectKnownValue("data.devportal_application_credentials.test", tfjsonpath.New("credentials"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(first.ID),
						"display_name": knownvalue.StringExact("first"),
						"status":       knownvalue.StringExact("active"),
						"expires_at":   knownvalue.Null(),
						"created_at":   knownvalue.StringFunc(isRFC3339),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(second.ID),
						"display_name": knownvalue.StringExact("second"),
						"status":       knownvalue.StringExact("active"),
						"expires_at":   knownvalue.StringExact("2032-03-01T12:00:00Z"),
						"created_at":   knownvalue.StringFunc(isRFC3339),
					}),
				})),
			},
		}},
	})
}

func isRFC3339(v string) error {
	_, err := time.Parse(time.RFC3339, v)
	return err
}
