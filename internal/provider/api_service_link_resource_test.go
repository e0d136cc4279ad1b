package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/provider"
)

const linkRes = "devportal_api_service_link.test"

func TestAccAPIServiceLink_lifecycle(t *testing.T) {
	name := acctest.RandomName("link")
	var apiID, linkID, cpID string
	toA, toB := serviceLinkConfig(name, "a"), serviceLinkConfig(name, "b")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkGone(t, "devportal_control_plane", getControlPlane),
		Steps: []resource.TestStep{
			{
				Config: toA,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linkRes, tfjsonpath.New("auth_strategy_sync_error"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair(linkRes, "service_id", "devportal_gateway_service.a", "id"),
					func(s *terraformState) error {
						rs := s.RootModule().Resources[linkRes]
						apiID, linkID, cpID = rs.Primary.Attributes["api_id"], rs.Primary.ID, rs.Primary.Attributes["control_plane_id"]
						return nil
					},
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Another service replaces the link: unlink first, then link.
				Config: toB,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkRes, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair(linkRes, "service_id", "devportal_gateway_service.b", "id"),
					func(s *terraformState) error {
						linkID = s.RootModule().Resources[linkRes].Primary.ID
						return nil
					},
				),
			},
			{
				ResourceName:      linkRes,
				ImportState:       true,
				ImportStateIdFunc: importID(linkRes, "api_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            toB,
				ResourceName:      linkRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(linkRes, "api_id", "id"),
			},
			{
				// A node too old for application auth shows up as the link's sync error.
				PreConfig: func() {
					if _, err := acctest.Client(t).RegisterNode(context.Background(), cpID, client.RegisterNodeRequest{Hostname: "dp-old", Version: "3.5.0"}); err != nil {
						t.Fatalf("registering node: %v", err)
					}
				},
				Config: toB,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linkRes, tfjsonpath.New("auth_strategy_sync_error"), knownvalue.StringRegexp(regexp.MustCompile(`dp-old.*3\.5\.0`))),
				},
			},
			{
				// While that node is registered, linking is refused.
				PreConfig: func() {
					if err := acctest.Client(t).DeleteImplementation(context.Background(), apiID, linkID); err != nil {
						t.Fatalf("unlinking out of band: %v", err)
					}
				},
				Config: toB,
				// The diagnostic names the node, its version and the version needed, and does not
				// blame control_plane_id, which is right.
				ExpectError: regexp.MustCompile(`(?s)Unable to link API to gateway service.*400.*dp-old.*3\.5\.0.*3\.6 or later.*Do\s+as\s+the\s+server\s+explains`),
			},
			{
				PreConfig: func() {
					c := acctest.Client(t)
					nodes, err := c.ListNodes(context.Background(), cpID)
					if err != nil {
						t.Fatal(err)
					}
					for _, n := range nodes {
						if err := c.DeleteNode(context.Background(), cpID, n.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: toB,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkRes, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAPIServiceLink_serviceServesOneAPI(t *testing.T) {
	name := acctest.RandomName("link")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: serviceLinkConfig(name, "a") + fmt.Sprintf(`
resource "devportal_api" "other" {
  name = "%s-other"
}

resource "devportal_api_service_link" "other" {
  api_id           = devportal_api.other.id
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.a.id
  depends_on       = [devportal_api_service_link.test]
}
`, name),
			ExpectError: regexp.MustCompile(`(?s)Unable to link API to gateway service.*409.*already serves`),
		}},
	})
}

// serviceLinkConfig is a control plane with services a and b, an API, and
// its link to the service named by to.
func serviceLinkConfig(name, to string) string {
	return fmt.Sprintf(`
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
  name = %[1]q
}

resource "devportal_api_service_link" "test" {
  api_id           = devportal_api.test.id
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.%[2]s.id
}
`, name, to)
}

// TestAPIServiceLinkRead_warnsOfSyncError reads a link whose control plane has a node too old
// for application auth: the refresh warns, since a read-only attribute changing shows nowhere in
// a plan.
func TestAPIServiceLinkRead_warnsOfSyncError(t *testing.T) {
	acctest.PreCheck(t)
	ctx, c := context.Background(), acctest.Client(t)
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: acctest.RandomName("sync")})
	if err != nil {
		t.Fatal(err)
	}
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: acctest.RandomName("sync")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.DeleteAPI(ctx, api.ID)
		_ = c.DeleteControlPlane(ctx, cp.ID)
	})
	svc, err := c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Host: "sync.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	link, err := c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}

	r := providerResource(t, "devportal_api_service_link")
	read := func() diag.Diagnostics {
		var sr fwresource.SchemaResponse
		r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
		state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
		for name, v := range map[string]string{"id": link.ID, "api_id": api.ID, "control_plane_id": cp.ID, "service_id": svc.ID} {
			if d := state.SetAttribute(ctx, path.Root(name), v); d.HasError() {
				t.Fatalf("setting %s: %v", name, d)
			}
		}
		resp := fwresource.ReadResponse{State: state}
		r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)
		return resp.Diagnostics
	}

	if d := read(); len(d) != 0 {
		t.Fatalf("reading a link without sync error: want no diagnostics, got %v", d)
	}
	if _, err := c.RegisterNode(ctx, cp.ID, client.RegisterNodeRequest{Hostname: "dp-sync-old", Version: "3.5.0"}); err != nil {
		t.Fatal(err)
	}
	d := read()
	if d.HasError() || d.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", d)
	}
	w := d.Warnings()[0]
	if !strings.Contains(w.Detail(), "dp-sync-old") || !strings.Contains(w.Detail(), api.ID) {
		t.Errorf("warning %q: %q does not name the node and the API", w.Summary(), w.Detail())
	}
}

// providerResource returns the provider's resource of a type, configured with the test client.
func providerResource(t *testing.T, typeName string) fwresource.Resource {
	t.Helper()
	ctx := context.Background()
	for _, newResource := range provider.New("test")().Resources(ctx) {
		r := newResource()
		var md fwresource.MetadataResponse
		r.Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "devportal"}, &md)
		if md.TypeName != typeName {
			continue
		}
		if rc, ok := r.(fwresource.ResourceWithConfigure); ok {
			var resp fwresource.ConfigureResponse
			rc.Configure(ctx, fwresource.ConfigureRequest{ProviderData: acctest.Client(t)}, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("configuring %s: %v", typeName, resp.Diagnostics)
			}
		}
		return r
	}
	t.Fatalf("the provider has no resource %s", typeName)
	return nil
}
