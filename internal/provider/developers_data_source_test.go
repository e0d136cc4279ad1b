package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestAccDevelopersDataSource(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	c := acctest.Client(t)
	ids := map[string]string{}
	approved, pending, other := randomEmail("ds-a"), randomEmail("ds-b"), randomEmail("ds-c")
	for _, d := range []struct{ email, status string }{
		{approved, client.DeveloperApproved},
		{pending, client.DeveloperPending},
		{other, client.DeveloperApproved},
	} {
		dev, err := c.CreateDeveloper(context.Background(), f.PortalID, client.CreateDeveloperRequest{Email: d.email, FullName: "DS", Status: d.status})
		if err != nil {
			t.Fatalf("creating developer %s: %v", d.email, err)
		}
		ids[d.email] = dev.ID
	}
	// A developer who signs up through the portal is listed too.
	self := randomEmail("ds-self")
	newDeveloperSession(t, f.PortalID, self).signUp("Self Signed")

	lookup := func(filters string) string {
		return fixtureLocals(f) + fmt.Sprintf("data \"devportal_developers\" \"test\" {\n  portal_id = local.portal_id\n%s\n}\n", filters)
	}
	list := func(checks ...knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.devportal_developers.test", tfjsonpath.New("developers"), knownvalue.ListExact(checks))
	}
	dev := func(email, status string) knownvalue.Check {
		m := map[string]knownvalue.Check{"email": knownvalue.StringExact(email), "status": knownvalue.StringExact(status)}
		if id, ok := ids[email]; ok {
			m["id"] = knownvalue.StringExact(id)
		}
		return knownvalue.ObjectPartial(m)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// In creation order, self-service sign-ups included.
				Config: lookup(""),
				ConfigStateChecks: []statecheck.StateCheck{
					list(dev(approved, "approved"), dev(pending, "pending"), dev(other, "approved"), dev(self, "pending")),
				},
			},
			{
				Config: lookup(`  status = "pending"`),
				ConfigStateChecks: []statecheck.StateCheck{
					list(dev(pending, "pending"), dev(self, "pending")),
				},
			},
			{
				Config:            lookup(fmt.Sprintf("  email = %q", self)),
				ConfigStateChecks: []statecheck.StateCheck{list(dev(self, "pending"))},
			},
			{
				Config:            lookup(fmt.Sprintf("  status = \"approved\"\n  email = %q", self)),
				ConfigStateChecks: []statecheck.StateCheck{list()},
			},
		},
	})
}
