package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const enforcementData = "data.devportal_application_auth_enforcement.test"

// lifecycle describes one configuration of the whole publication lifecycle.
type lifecycle struct {
	name string
	// link names the service the API is linked to: "a", "b" or "" for none.
	link string
	// publications is how many portals the API is published to: 0, 1 (portal
	// one with strategy one) or 2 (and portal two with strategy two).
	publications int
	// keyNames are the key names of strategy one.
	keyNames []string
}

func (l lifecycle) config() string {
	var b strings.Builder
	fmt.Fprintf(&b, `
resource "devportal_portal" "one" {
  name = "%[1]s-one"
}

resource "devportal_portal" "two" {
  name = "%[1]s-two"
}

resource "devportal_application_auth_strategy" "one" {
  name     = "%[1]s-one"
  key_auth = { key_names = %[2]s }
}

resource "devportal_application_auth_strategy" "two" {
  name     = "%[1]s-two"
  key_auth = { key_names = ["x-partner-key"] }
}

resource "devportal_control_plane" "test" {
  name = %[1]q
}

resource "devportal_gateway_service" "a" {
  control_plane_id = devportal_control_plane.test.id
  name             = "a"
  host             = "a.internal"
}

resource "devportal_gateway_service" "b" {
  control_plane_id = devportal_control_plane.test.id
  name             = "b"
  host             = "b.internal"
}

resource "devportal_api" "test" {
  name    = %[1]q
  version = "v1"
}
`, l.name, hclStrings(l.keyNames))
	deps := []string{"devportal_application_auth_strategy.one", "devportal_application_auth_strategy.two"}
	if l.link != "" {
		fmt.Fprintf(&b, `
resource "devportal_api_service_link" "test" {
  api_id           = devportal_api.test.id
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.%s.id
}
`, l.link)
		deps = append(deps, "devportal_api_service_link.test")
	}
	for _, portal := range []string{"one", "two"}[:l.publications] {
		fmt.Fprintf(&b, `
resource "devportal_api_publication" "%[1]s" {
  api_id           = devportal_api.test.id
  portal_id        = devportal_portal.%[1]s.id
  auth_strategy_id = devportal_application_auth_strategy.%[1]s.id
}
`, portal)
		deps = append(deps, "devportal_api_publication."+portal)
	}
	// depends_on defers the read to apply time, after the changes it reports on.
	fmt.Fprintf(&b, `
data "devportal_application_auth_enforcement" "test" {
  api_id     = devportal_api.test.id
  depends_on = [%s]
}
`, strings.Join(deps, ", "))
	return b.String()
}

func hclStrings(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// wantEnforcement is what one lifecycle step must find, through the data
// source and through the plugin API.
type wantEnforcement struct {
	status string
	// service is "a", "b" or "" when the API is not linked.
	service string
	// strategies name the strategy resources the plugin covers ("one", "two").
	strategies []string
	keyNames   []string
	// pluginID, when set, receives the plugin's id; when it already holds
	// one, the plugin must still be that one.
	pluginID *string
}

// checkEnforcement compares the data source and every managed plugin of the
// control plane with want.
func checkEnforcement(t *testing.T, want wantEnforcement) resource.TestCheckFunc {
	return func(s *terraformState) error {
		res := s.RootModule().Resources
		attrs := res[enforcementData].Primary.Attributes
		apiID := res["devportal_api.test"].Primary.ID
		cpID := res["devportal_control_plane.test"].Primary.ID
		var wantService string
		if want.service != "" {
			wantService = res["devportal_gateway_service."+want.service].Primary.ID
		}
		var wantStrategies []string
		for _, name := range want.strategies {
			wantStrategies = append(wantStrategies, res["devportal_application_auth_strategy."+name].Primary.ID)
		}
		slices.Sort(wantStrategies)

		// Through the plugin API: the managed plugins of the whole control plane.
		plugins, err := acctest.Client(t).ListPlugins(context.Background(), cpID)
		if err != nil {
			return err
		}
		var managed []client.Plugin
		for _, p := range plugins {
			if p.IsManagedApplicationAuth() {
				managed = append(managed, p)
			}
		}
		applied := want.status == "applied"
		switch {
		case !applied && len(managed) > 0:
			return fmt.Errorf("status %s, but control plane %s has managed plugins %+v", want.status, cpID, managed)
		case applied && len(managed) != 1:
			return fmt.Errorf("want one managed plugin in control plane %s, found %d", cpID, len(managed))
		}
		if applied {
			p := managed[0]
			if p.Service == nil || p.Service.ID != wantService {
				return fmt.Errorf("plugin %s is on service %+v, want %s", p.ID, p.Service, wantService)
			}
			cfg, err := p.ApplicationAuthConfig()
			if err != nil {
				return err
			}
			if cfg.Scope != apiID {
				return fmt.Errorf("plugin scope = %q, want the API id %s", cfg.Scope, apiID)
			}
			if !slices.Equal(cfg.StrategyIDs(), wantStrategies) || !slices.Equal(cfg.KeyNames(), want.keyNames) {
				return fmt.Errorf("plugin covers strategies %v with key names %v, want %v and %v",
					cfg.StrategyIDs(), cfg.KeyNames(), wantStrategies, want.keyNames)
			}
			if attrs["plugin_id"] != p.ID {
				return fmt.Errorf("data source plugin_id = %q, plugin API says %s", attrs["plugin_id"], p.ID)
			}
			if want.pluginID != nil {
				if *want.pluginID != "" && *want.pluginID != p.ID {
					return fmt.Errorf("plugin %s replaced by %s", *want.pluginID, p.ID)
				}
				*want.pluginID = p.ID
			}
		}

		// Through the data source.
		checks := map[string]string{
			"status":              want.status,
			"service_id":          wantService,
			"auth_strategy_ids.#": fmt.Sprint(len(wantStrategies)),
			"key_names.#":         fmt.Sprint(len(want.keyNames)),
		}
		if !applied {
			checks["plugin_id"] = ""
			checks["key_names.#"] = "0"
		}
		for i, id := range wantStrategies {
			checks[fmt.Sprintf("auth_strategy_ids.%d", i)] = id
		}
		if applied {
			for i, k := range want.keyNames {
				checks[fmt.Sprintf("key_names.%d", i)] = k
			}
		}
		for k, v := range checks {
			if attrs[k] != v {
				return fmt.Errorf("%s.%s = %q, want %q", enforcementData, k, attrs[k], v)
			}
		}
		return nil
	}
}

// TestAccLifecycle_applicationAuthPlugin walks an API through its whole
// lifecycle and checks at every step where the managed plugin is, through
// the data source and through the plugin API.
func TestAccLifecycle_applicationAuthPlugin(t *testing.T) {
	name := acctest.RandomName("life")
	base := lifecycle{name: name, keyNames: []string{"apikey"}}
	step := func(change func(*lifecycle)) string {
		l := base
		change(&l)
		base = l
		return l.config()
	}
	noChange := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	var pluginID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkLifecycleGone(t),
			// The default strategies the server created for the portals went with them.
			checkNoStrategyNamed(t, name+"-one-key-auth", name+"-two-key-auth"),
		),
		Steps: []resource.TestStep{
			{
				// Published before it is linked: saved, applied nowhere.
				Config:           step(func(l *lifecycle) { l.publications = 1 }),
				ConfigPlanChecks: noChange,
				Check: resource.ComposeTestCheckFunc(
					checkEnforcement(t, wantEnforcement{status: "pending", strategies: []string{"one"}}),
					func(*terraformState) error {
						// The portal's default strategy, which destroying the portal must remove.
						found, err := acctest.Client(t).FindAuthStrategiesByName(context.Background(), name+"-one-key-auth")
						if err == nil && len(found) != 1 {
							err = fmt.Errorf("found %d strategies named %s-one-key-auth, want 1", len(found), name)
						}
						return err
					},
				),
			},
			{
				Config:           step(func(l *lifecycle) { l.link = "a" }),
				ConfigPlanChecks: noChange,
				Check: checkEnforcement(t, wantEnforcement{status: "applied", service: "a", strategies: []string{"one"},
					keyNames: []string{"apikey"}}),
			},
			{
				// Moving the link moves the plugin: gone from a (checked across the control plane), on b.
				Config: step(func(l *lifecycle) { l.link = "b" }),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("devportal_api_service_link.test", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction("devportal_api_publication.one", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkEnforcement(t, wantEnforcement{status: "applied", service: "b", strategies: []string{"one"},
					keyNames: []string{"apikey"}, pluginID: &pluginID}),
			},
			{
				// The strategy's key names reach the same plugin; nothing else changes.
				Config: step(func(l *lifecycle) { l.keyNames = []string{"apikey", "x-api-key"} }),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("devportal_application_auth_strategy.one", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("devportal_api_service_link.test", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("devportal_api_publication.one", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("devportal_gateway_service.b", plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkEnforcement(t, wantEnforcement{status: "applied", service: "b", strategies: []string{"one"},
					keyNames: []string{"apikey", "x-api-key"}, pluginID: &pluginID}),
			},
			{
				// A second portal with another strategy: still one plugin, covering both.
				Config:           step(func(l *lifecycle) { l.publications = 2 }),
				ConfigPlanChecks: noChange,
				Check: checkEnforcement(t, wantEnforcement{status: "applied", service: "b", strategies: []string{"one", "two"},
					keyNames: []string{"apikey", "x-api-key", "x-partner-key"}, pluginID: &pluginID}),
			},
			{
				// Unpublishing everywhere removes the plugin; the link stays.
				Config:           step(func(l *lifecycle) { l.publications = 0 }),
				ConfigPlanChecks: noChange,
			},
			{
				// The data source no longer depends on anything that changed in the step before, so it
				// was read before the publications went; this plan reads it again.
				Config:           base.config(),
				ConfigPlanChecks: noChange,
				Check:            checkEnforcement(t, wantEnforcement{status: "none", service: "b"}),
			},
		},
	})
}

// checkLifecycleGone verifies that destroying left nothing of the lifecycle in the backend.
func checkLifecycleGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		ctx := context.Background()
		c := acctest.Client(t)
		for _, rs := range s.RootModule().Resources {
			var err error
			switch rs.Type {
			case "devportal_api":
				_, err = c.GetAPI(ctx, rs.Primary.ID)
			case "devportal_portal":
				_, err = c.GetPortal(ctx, rs.Primary.ID)
			case "devportal_application_auth_strategy":
				_, err = c.GetAuthStrategy(ctx, rs.Primary.ID)
			case "devportal_control_plane":
				_, err = c.GetControlPlane(ctx, rs.Primary.ID)
			case "devportal_gateway_service":
				_, err = c.GetGatewayService(ctx, rs.Primary.Attributes["control_plane_id"], rs.Primary.ID)
			case "devportal_api_publication":
				_, err = c.GetPublication(ctx, rs.Primary.Attributes["api_id"], rs.Primary.Attributes["portal_id"])
			case "devportal_api_service_link":
				_, err = c.GetImplementation(ctx, rs.Primary.Attributes["api_id"], rs.Primary.ID)
			default:
				continue
			}
			if err == nil {
				return fmt.Errorf("%s %s still exists", rs.Type, rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// checkNoStrategyNamed verifies that no application auth strategy has one of the names.
func checkNoStrategyNamed(t *testing.T, names ...string) resource.TestCheckFunc {
	return func(*terraformState) error {
		for _, name := range names {
			found, err := acctest.Client(t).FindAuthStrategiesByName(context.Background(), name)
			if err != nil {
				return err
			}
			if len(found) > 0 {
				return fmt.Errorf("strategy %q (%s) still exists", name, found[0].ID)
			}
		}
		return nil
	}
}

// TestAccLifecycle_strategyInUse shows that a strategy a publication uses
// cannot be deleted through the API (409 naming the publication), and that
// the provider's ordering never tries.
func TestAccLifecycle_strategyInUse(t *testing.T) {
	name := acctest.RandomName("inuse")
	full := fmt.Sprintf(`
resource "devportal_application_auth_strategy" "test" {
  name     = %[1]q
  key_auth = {}
}

resource "devportal_portal" "test" {
  name = %[1]q
}

resource "devportal_api" "test" {
  name = %[1]q
}
`, name)
	publication := `
resource "devportal_api_publication" "test" {
  api_id           = devportal_api.test.id
  portal_id        = devportal_portal.test.id
  auth_strategy_id = devportal_application_auth_strategy.test.id
}
`
	strategyRes := "devportal_application_auth_strategy.test"
	withoutStrategy := strings.Replace(full, fmt.Sprintf(`resource "devportal_application_auth_strategy" "test" {
  name     = %q
  key_auth = {}
}
`, name), "", 1)
	var strategyID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkLifecycleGone(t),
		Steps: []resource.TestStep{
			{
				Config: full + publication,
				Check: func(s *terraformState) error {
					res := s.RootModule().Resources
					strategyID = res[strategyRes].Primary.ID
					err := acctest.Client(t).DeleteAuthStrategy(context.Background(), strategyID)
					if !client.IsConflict(err) {
						return fmt.Errorf("deleting strategy %s in use: err = %v, want 409", strategyID, err)
					}
					for _, user := range []string{res["devportal_api.test"].Primary.ID, res["devportal_portal.test"].Primary.ID} {
						if !strings.Contains(err.Error(), user) {
							return fmt.Errorf("the 409 does not name %s: %v", user, err)
						}
					}
					return nil
				},
			},
			{
				// The publication refers to the strategy, so the strategy cannot leave the configuration alone.
				Config:      withoutStrategy + publication,
				ExpectError: regexp.MustCompile(`Reference to undeclared resource`),
			},
			{
				// Removing both: Terraform unpublishes first, then deletes the strategy.
				Config: withoutStrategy,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("devportal_api_publication.test", plancheck.ResourceActionDestroy),
						plancheck.ExpectResourceAction(strategyRes, plancheck.ResourceActionDestroy),
					},
				},
				Check: func(*terraformState) error {
					if _, err := acctest.Client(t).GetAuthStrategy(context.Background(), strategyID); !client.IsNotFound(err) {
						return fmt.Errorf("strategy %s after destroy: err = %v, want 404", strategyID, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccLifecycle_quickstart runs the quickstart as `make demo` does and
// checks that its outputs show the plugin applied on the linked service.
func TestAccLifecycle_quickstart(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	root := moduleRoot(t)
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "quickstart.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DEMO_DIR="+t.TempDir(), "KEEP=0", "TF_IN_AUTOMATION=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("quickstart: %v\n%s", err, out.String())
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`"status"\s*=\s*"applied"`),
		regexp.MustCompile(`"service"\s*=\s*"orders"`),
		regexp.MustCompile(`"plugin_id"\s*=\s*"[0-9a-f-]{36}"`),
		regexp.MustCompile(`no changes`),
		regexp.MustCompile(`destroyed`),
	} {
		if !want.Match(out.Bytes()) {
			t.Errorf("quickstart output lacks %s:\n%s", want, out.String())
		}
	}
}
