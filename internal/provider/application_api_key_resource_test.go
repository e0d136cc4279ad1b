package provider_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const apiKeyAddr = "devportal_application_api_key.test"

// keyApplication is an approved developer's application with an approved registration with the
// fixture's API, made through the client, so that its keys reach the gateway data.
type keyApplication struct {
	portalFixture
	ApplicationID string
}

func newKeyApplication(t *testing.T) keyApplication {
	t.Helper()
	f := newPortalFixture(t, fixtureOptions{})
	ctx, c := context.Background(), acctest.Client(t)
	d, err := c.CreateDeveloper(ctx, f.PortalID, client.CreateDeveloperRequest{
		Email: randomEmail("key-owner"), FullName: "Key Owner", Status: client.DeveloperApproved,
	})
	if err != nil {
		t.Fatalf("creating developer: %v", err)
	}
	app, err := c.CreateApplication(ctx, f.PortalID, client.CreateApplicationRequest{Name: "keys", Owner: client.DeveloperOwner(d.ID)})
	if err != nil {
		t.Fatalf("creating application: %v", err)
	}
	if _, err := c.CreateRegistration(ctx, f.PortalID, app.ID, client.CreateRegistrationRequest{
		APIID: f.APIID, Status: client.RegistrationApproved,
	}); err != nil {
		t.Fatalf("registering application %s: %v", app.ID, err)
	}
	return keyApplication{portalFixture: f, ApplicationID: app.ID}
}

func apiKeyConfig(k keyApplication, body string) string {
	return fixtureLocals(k.portalFixture) + fmt.Sprintf(`
resource "devportal_application_api_key" "test" {
  portal_id      = local.portal_id
  application_id = %q
%s
}
`, k.ApplicationID, body)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// checkGatewayHonours checks whether the gateway data holds the key's hash for the application.
func checkGatewayHonours(t *testing.T, k keyApplication, key func() string, want bool) resource.TestCheckFunc {
	return func(*terraformState) error {
		hashes := gatewayKeyHashes(t, k.ControlPlaneID)[k.ApplicationID]
		if got := slices.Contains(hashes, sha256Hex(key())); got != want {
			return fmt.Errorf("gateway honours the key: %v, want %v (hashes %v)", got, want, hashes)
		}
		return nil
	}
}

// checkStateFilesLack reads every state file Terraform wrote under dir and fails when one holds
// secret. It also fails when no state file mentions mustHold, so that it cannot pass by reading
// the wrong files.
func checkStateFilesLack(dir string, secret func() string, mustHold func() string) resource.TestCheckFunc {
	return func(*terraformState) error {
		found := false
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".tfstate") {
				return err
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(raw), secret()) {
				return fmt.Errorf("state file %s holds the write-only key", path)
			}
			if strings.Contains(string(raw), mustHold()) {
				found = true
			}
			return nil
		})
		if err == nil && !found {
			err = fmt.Errorf("no state file under %s holds key %s", dir, mustHold())
		}
		return err
	}
}

// TestAccApplicationAPIKey_writeOnly supplies the key through key_wo and reads Terraform's state
// files to prove it never lands there. It is not parallel: it points TF_ACC_TEMP_DIR at a
// directory of its own.
func TestAccApplicationAPIKey_writeOnly(t *testing.T) {
	acctest.PreCheck(t)
	work := t.TempDir()
	t.Setenv("TF_ACC_TEMP_DIR", work)
	k := newKeyApplication(t)
	first, second := "wo-"+rand.Text(), "wo-"+rand.Text()
	var id string
	secret := first
	config := func(key string, version int) string {
		return apiKeyConfig(k, fmt.Sprintf(`
  display_name   = "ci"
  key_wo         = %q
  key_wo_version = %d
  expires_at     = "2031-01-01T01:00:00+01:00"`, key, version))
	}
	c := acctest.Client(t)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(first, 1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact("2031-01-01T01:00:00+01:00")),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(apiKeyAddr, "id", func(v string) error { id = v; return nil }),
					checkGatewayHonours(t, k, func() string { return first }, true),
					checkStateFilesLack(work, func() string { return secret }, func() string { return id }),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Changing the key alone cannot be seen: nothing happens.
				Config: config(second, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkGatewayHonours(t, k, func() string { return first }, true),
			},
			{
				// A new version replaces the key with the new value.
				PreConfig: func() { secret = second },
				Config:    config(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(apiKeyAddr, "id", func(v string) error { id = v; return nil }),
					checkGatewayHonours(t, k, func() string { return first }, false),
					checkGatewayHonours(t, k, func() string { return second }, true),
					checkStateFilesLack(work, func() string { return second }, func() string { return id }),
					checkStateFilesLack(work, func() string { return first }, func() string { return id }),
				),
			},
			{
				ResourceName:            apiKeyAddr,
				ImportState:             true,
				ImportStateIdFunc:       func(*terraformState) (string, error) { return k.PortalID + "/" + k.ApplicationID + "/" + id, nil },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"key_wo_version", "expires_at"},
			},
			{
				// A key revoked behind Terraform's back is issued again.
				PreConfig: func() {
					if err := c.DeleteCredential(context.Background(), k.PortalID, k.ApplicationID, id); err != nil {
						t.Fatalf("revoking key %s out of band: %v", id, err)
					}
				},
				Config: config(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkGatewayHonours(t, k, func() string { return second }, true),
			},
		},
	})
}

func TestAccApplicationAPIKey_generated(t *testing.T) {
	acctest.PreCheck(t)
	k := newKeyApplication(t)
	var id, key string
	importID := func(*terraformState) (string, error) { return k.PortalID + "/" + k.ApplicationID + "/" + id, nil }
	config := apiKeyConfig(k, `  display_name = "generated"`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key"), knownvalue.StringRegexp(regexp.MustCompile(`^dpk_.{43}$`))),
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("generated")),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(apiKeyAddr, "id", func(v string) error { id = v; return nil }),
					resource.TestCheckResourceAttrWith(apiKeyAddr, "key", func(v string) error { key = v; return nil }),
					checkGatewayHonours(t, k, func() string { return key }, true),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:            apiKeyAddr,
				ImportState:             true,
				ImportStateIdFunc:       importID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"key"},
			},
			{
				Config:            config,
				ResourceName:      apiKeyAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
			},
		},
	})
}

// TestAccApplicationAPIKey_renameInPlace renames a generated key: the key, its secret in the state
// and the gateway's trust in it stay.
func TestAccApplicationAPIKey_renameInPlace(t *testing.T) {
	acctest.PreCheck(t)
	k := newKeyApplication(t)
	var id, key string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(k, `  display_name = "ci"`),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(apiKeyAddr, "id", func(v string) error { id = v; return nil }),
					resource.TestCheckResourceAttrWith(apiKeyAddr, "key", func(v string) error { key = v; return nil }),
				),
			},
			{
				Config: apiKeyConfig(k, `  display_name = "ci-renamed"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("ci-renamed")),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith(apiKeyAddr, "id", sameID(&id)),
					resource.TestCheckResourceAttrWith(apiKeyAddr, "key", func(v string) error {
						if v != key {
							return fmt.Errorf("renaming changed the key in the state")
						}
						return nil
					}),
					checkGatewayHonours(t, k, func() string { return key }, true),
					func(*terraformState) error {
						got, err := acctest.Client(t).GetCredential(context.Background(), k.PortalID, k.ApplicationID, id)
						if err != nil {
							return err
						}
						if got.DisplayName != "ci-renamed" {
							return fmt.Errorf("server display name %q, want ci-renamed", got.DisplayName)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccApplicationAPIKey_importThenVersion gives an imported key a key_wo_version: the version
// is recorded without replacing the key.
func TestAccApplicationAPIKey_importThenVersion(t *testing.T) {
	acctest.PreCheck(t)
	k := newKeyApplication(t)
	secret := "known-" + rand.Text()
	issued, err := acctest.Client(t).IssueAPIKey(context.Background(), k.PortalID, k.ApplicationID,
		client.IssueAPIKeyRequest{DisplayName: "pre-existing", Key: secret})
	if err != nil {
		t.Fatalf("issuing key: %v", err)
	}
	config := apiKeyConfig(k, fmt.Sprintf(`
  display_name   = "pre-existing"
  key_wo         = %q
  key_wo_version = 1`, secret))

	importBlock := fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", apiKeyAddr, k.PortalID+"/"+k.ApplicationID+"/"+issued.ID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: importBlock + config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(apiKeyAddr, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact(issued.ID)),
				statecheck.ExpectKnownValue(apiKeyAddr, tfjsonpath.New("key_wo_version"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}

func TestAccApplicationAPIKey_invalidConfig(t *testing.T) {
	k := keyApplication{portalFixture: portalFixture{PortalID: "7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f"},
		ApplicationID: "0b6d7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"}
	tests := map[string]struct{ body, want string }{
		"key without version": {`  key_wo = "0123456789abcdef"`, `(?s)key_wo_version.*must be specified`},
		"version without key": {`  key_wo_version = 1`, `(?s)key_wo.*must be specified`},
		"short key":           {"  key_wo = \"short\"\n  key_wo_version = 1", `string length must be between 16 and 256`},
		"bad characters":      {"  key_wo = \"0123456789 abcdef\"\n  key_wo_version = 1", `must hold only letters`},
		"bad expiry":          {`  expires_at = "tomorrow"`, `must be an RFC 3339 date-time`},
		"past expiry":         {`  expires_at = "2020-01-31T00:00:00Z"`, `(?s)Expiry in the past.*2020-01-31T00:00:00Z`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      apiKeyConfig(k, tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
