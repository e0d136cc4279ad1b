package e2e_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// TestAccGateway_outdatedNodeRefusesLink: a node of gateway 3.5.0, which cannot run application
// auth, registers itself with the control plane; linking an API published with a strategy to a
// service of that control plane then fails, and the error names the node and what to do.
func TestAccGateway_outdatedNodeRefusesLink(t *testing.T) {
	acctest.PreCheck(t)
	admin := acctest.Client(t)
	cp := newControlPlane(t, admin, client.DefaultRegion, acctest.RandomName("e2e-old"))
	node := startNode(t, cp, nodeOptions{version: "3.5.0", hostname: "e2e-old-node"})
	if err := waitRegistered(admin, cp.ID, "e2e-old-node", "3.5.0"); err != nil {
		t.Fatal(err)
	}
	s := newStack("old", cp, newUpstream(t))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      s.HCL(),
			ExpectError: regexp.MustCompile(`(?s)Unable to link API to gateway service.*e2e-old-node.*3\.5\.0.*3\.6 or later`),
		}},
	})
	// The node itself keeps running what it has: a control plane without the link.
	if err := node.inSync(context.Background()); err != nil {
		t.Error(err)
	}
}

// waitRegistered waits, bounded, until the control plane lists a node of that host name and version.
func waitRegistered(c *client.Client, controlPlaneID, hostname, version string) error {
	deadline := time.Now().Add(syncTimeout)
	for time.Now().Before(deadline) {
		nodes, err := c.ListNodes(context.Background(), controlPlaneID)
		if err == nil {
			for _, n := range nodes {
				if n.Hostname == hostname && n.Version == version {
					return nil
				}
			}
		}
		time.Sleep(pollInterval)
	}
	return fmt.Errorf("no node %s of version %s registered with control plane %s within %s", hostname, version, controlPlaneID, syncTimeout)
}
