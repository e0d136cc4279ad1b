package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// The nodes of a control plane show the version rule that service links follow: the old node is
// listed as not supporting application auth, and so is the control plane as a whole. The control
// plane is in sync once every node reports the expected configuration hash.
func TestAccControlPlaneNodesDataSource(t *testing.T) {
	acctest.PreCheck(t)
	ctx, c := context.Background(), acctest.Client(t)
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: acctest.RandomName("cp-nodes")})
	if err != nil {
		t.Fatalf("creating control plane: %v", err)
	}
	t.Cleanup(func() {
		if err := c.DeleteControlPlane(context.Background(), cp.ID); err != nil {
			t.Errorf("deleting control plane %s: %v", cp.ID, err)
		}
	})
	register := func(hostname, version string) string {
		n, err := c.RegisterNode(ctx, cp.ID, client.RegisterNodeRequest{Hostname: hostname, Version: version})
		if err != nil {
			t.Fatalf("registering node %s: %v", hostname, err)
		}
		return n.ID
	}
	config := fmt.Sprintf("data \"devportal_control_plane_nodes\" \"test\" {\n  control_plane_id = %q\n}\n", cp.ID)
	const ds = "data.devportal_control_plane_nodes.test"
	var newID, oldID, hash string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("supports_application_auth"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("expected_config_hash"), knownvalue.StringRegexp(configHashPattern)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("in_sync"), knownvalue.Bool(true)),
				},
			},
			{
				PreConfig: func() {
					newID = register("dp-b-new", "3.9.1")
					oldID = register("dp-a-old", "3.4.3.12-enterprise-edition")
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("supports_application_auth"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("in_sync"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                        knownvalue.StringFunc(func(v string) error { return same(v, oldID) }),
							"hostname":                  knownvalue.StringExact("dp-a-old"),
							"version":                   knownvalue.StringExact("3.4.3.12-enterprise-edition"),
							"last_ping":                 knownvalue.StringFunc(isRFC3339),
							"config_hash":               knownvalue.Null(),
							"compatibility_state":       knownvalue.StringExact("COMPATIBILITY_STATE_INCOMPATIBLE"),
							"supports_application_auth": knownvalue.Bool(false),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                        knownvalue.StringFunc(func(v string) error { return same(v, newID) }),
							"hostname":                  knownvalue.StringExact("dp-b-new"),
							"version":                   knownvalue.StringExact("3.9.1"),
							"last_ping":                 knownvalue.StringFunc(isRFC3339),
							"config_hash":               knownvalue.Null(),
							"compatibility_state":       knownvalue.StringExact("COMPATIBILITY_STATE_FULLY_COMPATIBLE"),
							"supports_application_auth": knownvalue.Bool(true),
						}),
					})),
				},
			},
			{
				PreConfig: func() {
					expected, err := c.GetExpectedConfigHash(ctx, cp.ID)
					if err != nil {
						t.Fatalf("reading the expected hash: %v", err)
					}
					hash = expected.ExpectedHash
					for _, n := range []struct{ id, hostname, version string }{{oldID, "dp-a-old", "3.4.3.12-enterprise-edition"}, {newID, "dp-b-new", "3.9.1"}} {
						ping := client.NodePing{Hostname: n.hostname, Version: n.version, ConfigHash: hash}
						if _, err := c.PingNode(ctx, cp.ID, n.id, ping); err != nil {
							t.Fatalf("pinging node %s: %v", n.hostname, err)
						}
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("in_sync"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("config_hash"),
						knownvalue.StringFunc(func(v string) error { return same(v, hash) })),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("expected_config_hash"),
						knownvalue.StringFunc(func(v string) error { return same(v, hash) })),
				},
			},
			{
				Config:      fmt.Sprintf("data \"devportal_control_plane_nodes\" \"test\" {\n  control_plane_id = %q\n}\n", "00000000-0000-4000-8000-000000000000"),
				ExpectError: regexp.MustCompile(`(?s)Unable to list control plane nodes.*404`),
			},
		},
	})
}

func same(got, want string) error {
	if got != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// configHashPattern is a configuration hash: a lower-case hex SHA-256.
var configHashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
