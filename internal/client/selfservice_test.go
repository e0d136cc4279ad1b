package client_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// selfServiceBackend is the bundled backend with a portal whose default strategy is key-auth and
// an API published to it and linked to a gateway service, so that applications can register.
type selfServiceBackend struct {
	url, token string
	logs       *bytes.Buffer
	c          *client.Client
	portalID   string
	apiID      string
}

func newSelfServiceBackend(t *testing.T) *selfServiceBackend {
	t.Helper()
	token := "spat_selfservicetestselfservicetest"
	srv, err := backend.New(context.Background(), backend.Config{
		DBPath:     pgtest.DB(t),
		AdminToken: token,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	b := &selfServiceBackend{url: hs.URL, token: token, logs: &bytes.Buffer{}}
	b.c = b.client(t, "us")

	ctx := context.Background()
	p := must(b.c.CreatePortal(ctx, client.CreatePortalRequest{Name: "partners"}))
	api := must(b.c.CreateAPI(ctx, client.CreateAPIRequest{Name: "Orders"}))
	cp := must(b.c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "edge"}))
	name := "orders"
	svc := must(b.c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Name: &name, Host: "orders.internal"}))
	must(b.c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID))
	must(b.c.PublishAPI(ctx, api.ID, p.ID, client.PublishRequest{}))
	b.portalID, b.apiID = p.ID, api.ID
	return b
}

// client returns a client for region that logs every request at debug level into b.logs.
func (b *selfServiceBackend) client(t *testing.T, region string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{
		ServerURL: b.url + "/{region}", Region: region, Token: b.token, MaxRetries: -1,
		Logger: slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDevelopers(t *testing.T) {
	ctx := context.Background()
	b := newSelfServiceBackend(t)
	c := b.c

	ada := must(c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada"}))
	if ada.Status != client.DeveloperPending {
		t.Errorf("new developer status %q, want pending (approval is the default)", ada.Status)
	}
	must(c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "bob@example.com", FullName: "Bob", Status: client.DeveloperApproved}))
	if _, err := c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada again"}); !client.IsConflict(err) {
		t.Errorf("second developer with the same address: err = %v, want 409", err)
	}

	for _, tt := range []struct {
		opts client.DeveloperListOptions
		want []string
	}{
		{client.DeveloperListOptions{}, []string{"ada@example.com", "bob@example.com"}},
		{client.DeveloperListOptions{Status: client.DeveloperApproved}, []string{"bob@example.com"}},
		{client.DeveloperListOptions{Email: "ada@example.com"}, []string{"ada@example.com"}},
		{client.DeveloperListOptions{Status: client.DeveloperApproved, Email: "ada@example.com"}, nil},
	} {
		devs := must(c.ListAllDevelopers(ctx, b.portalID, tt.opts))
		var got []string
		for _, d := range devs {
			got = append(got, d.Email)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ListAllDevelopers(%+v) = %v, want %v", tt.opts, got, tt.want)
		}
	}

	updated := must(c.UpdateDeveloper(ctx, b.portalID, ada.ID, client.UpdateDeveloperRequest{Status: client.DeveloperApproved}))
	if updated.Status != client.DeveloperApproved || must(c.GetDeveloper(ctx, b.portalID, ada.ID)).Status != client.DeveloperApproved {
		t.Errorf("status after approval: %q", updated.Status)
	}
	if err := c.DeleteDeveloper(ctx, b.portalID, ada.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDeveloper(ctx, b.portalID, ada.ID); !client.IsNotFound(err) {
		t.Errorf("deleting again: err = %v, want 404", err)
	}
}

func TestApplicationsAndRegistrations(t *testing.T) {
	ctx := context.Background()
	b := newSelfServiceBackend(t)
	c := b.c
	ada := must(c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada", Status: client.DeveloperApproved}))
	bob := must(c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "bob@example.com", FullName: "Bob", Status: client.DeveloperApproved}))

	app := must(c.CreateApplication(ctx, b.portalID, client.CreateApplicationRequest{
		Name: "billing", Owner: client.DeveloperOwner(ada.ID), Labels: map[string]string{"team": "billing", "env": "test"},
	}))
	if app.Owner.ID != ada.ID || app.AuthStrategy.ID == "" || app.Portal.ID != b.portalID || app.Labels["env"] != "test" {
		t.Errorf("created application: %+v", app)
	}
	name := "billing-v2"
	app = must(c.UpdateApplication(ctx, b.portalID, app.ID, client.UpdateApplicationRequest{
		Name: &name, Owner: client.DeveloperOwner(bob.ID),
		Labels: client.LabelsPatch(app.Labels, map[string]string{"team": "billing"}),
	}))
	if app.Name != name || app.Owner.ID != bob.ID || len(app.Labels) != 1 {
		t.Errorf("updated application: %+v", app)
	}
	if got := must(c.ListApplications(ctx, b.portalID, client.ApplicationListOptions{DeveloperID: bob.ID})); len(got.Data) != 1 {
		t.Errorf("applications of bob: %+v", got.Data)
	}

	// Applications are regional: the eu API does not know this one.
	if _, err := b.client(t, "eu").GetApplication(ctx, b.portalID, app.ID); !client.IsNotFound(err) {
		t.Errorf("reading a us application from eu: err = %v, want 404", err)
	}

	reg := must(c.CreateRegistration(ctx, b.portalID, app.ID, client.CreateRegistrationRequest{APIID: b.apiID}))
	if reg.Status != client.RegistrationPending || reg.API.ID != b.apiID || reg.Application.ID != app.ID || reg.API.Name != "Orders" {
		t.Errorf("new registration: %+v", reg)
	}
	if _, err := c.CreateRegistration(ctx, b.portalID, app.ID, client.CreateRegistrationRequest{APIID: b.apiID}); !client.IsConflict(err) {
		t.Errorf("registering twice: err = %v, want 409", err)
	}
	reg = must(c.UpdateRegistration(ctx, b.portalID, app.ID, reg.ID, client.UpdateRegistrationRequest{Status: client.RegistrationApproved}))
	if reg.Status != client.RegistrationApproved {
		t.Errorf("approved registration has status %q", reg.Status)
	}
	for _, tt := range []struct {
		opts client.RegistrationListOptions
		want int
	}{
		{client.RegistrationListOptions{}, 1},
		{client.RegistrationListOptions{Status: client.RegistrationApproved}, 1},
		{client.RegistrationListOptions{Status: client.RegistrationPending}, 0},
		{client.RegistrationListOptions{APIID: b.apiID, ApplicationID: app.ID, DeveloperID: bob.ID}, 1},
		{client.RegistrationListOptions{DeveloperID: ada.ID}, 0},
		{client.RegistrationListOptions{ApplicationAuthStrategyID: app.AuthStrategy.ID}, 1},
		{client.RegistrationListOptions{ApplicationAuthStrategyID: "00000000-0000-4000-8000-000000000000"}, 0},
	} {
		if got := must(c.ListAllPortalRegistrations(ctx, b.portalID, tt.opts)); len(got) != tt.want {
			t.Errorf("ListAllPortalRegistrations(%+v) = %d registrations, want %d", tt.opts, len(got), tt.want)
		}
	}
	// Dropping application auth from the publication suspends the registration; it keeps its status.
	must(c.PublishAPI(ctx, b.apiID, b.portalID, client.PublishRequest{AuthStrategyIDs: client.Null[[]string]()}))
	reg = must(c.GetRegistration(ctx, b.portalID, app.ID, reg.ID))
	if reg.Status != client.RegistrationApproved || !strings.Contains(reg.SuspendedReason, "without application auth") {
		t.Errorf("registration of a publication without application auth: %+v", reg)
	}
	must(c.PublishAPI(ctx, b.apiID, b.portalID, client.PublishRequest{AuthStrategyIDs: client.Value([]string{app.AuthStrategy.ID})}))
	if reg = must(c.GetRegistration(ctx, b.portalID, app.ID, reg.ID)); reg.SuspendedReason != "" {
		t.Errorf("registration still suspended once its strategy is back: %+v", reg)
	}
	if err := c.DeleteRegistration(ctx, b.portalID, app.ID, reg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRegistration(ctx, b.portalID, app.ID, reg.ID); !client.IsNotFound(err) {
		t.Errorf("reading a deleted registration: err = %v, want 404", err)
	}
	if err := c.DeleteApplication(ctx, b.portalID, app.ID); err != nil {
		t.Fatal(err)
	}
}

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	b := newSelfServiceBackend(t)
	c := b.c
	dev := must(c.CreateDeveloper(ctx, b.portalID, client.CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada", Status: client.DeveloperApproved}))
	app := must(c.CreateApplication(ctx, b.portalID, client.CreateApplicationRequest{Name: "keys", Owner: client.DeveloperOwner(dev.ID)}))

	generated := must(c.IssueAPIKey(ctx, b.portalID, app.ID, client.IssueAPIKeyRequest{DisplayName: "generated"}))
	if !strings.HasPrefix(generated.Secret, "dpk_") || generated.ExpiresAt != nil || generated.Status != client.CredentialActive {
		t.Errorf("generated key: %+v", generated)
	}
	supplied := "my-own-key-0123456789"
	expires := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	own := must(c.IssueAPIKey(ctx, b.portalID, app.ID, client.IssueAPIKeyRequest{DisplayName: "supplied", Key: supplied, ExpiresAt: &expires}))
	if own.Secret != "" || own.ExpiresAt == nil || !own.ExpiresAt.Equal(expires) {
		t.Errorf("supplied key: %+v", own)
	}
	if _, err := c.IssueAPIKey(ctx, b.portalID, app.ID, client.IssueAPIKeyRequest{Key: supplied}); !client.IsConflict(err) {
		t.Errorf("supplying a key in use: err = %v, want 409", err)
	}

	got := must(c.GetCredential(ctx, b.portalID, app.ID, own.ID))
	if got.DisplayName != "supplied" || got.Secret != "" {
		t.Errorf("key metadata: %+v", got)
	}
	keys := must(c.ListAllCredentials(ctx, b.portalID, app.ID))
	if len(keys) != 2 || keys[0].ID != generated.ID || keys[1].ID != own.ID || keys[0].Secret != "" {
		t.Errorf("key list: %+v", keys)
	}

	// At most 20 keys per application, with Konnect's message.
	for i := len(keys); i < 20; i++ {
		must(c.IssueAPIKey(ctx, b.portalID, app.ID, client.IssueAPIKeyRequest{}))
	}
	_, err := c.IssueAPIKey(ctx, b.portalID, app.ID, client.IssueAPIKeyRequest{})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || !strings.Contains(apiErr.Detail, "Max Allowed: 20") {
		t.Errorf("21st key: err = %v, want 403 naming the limit", err)
	}

	if err := c.DeleteCredential(ctx, b.portalID, app.ID, own.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCredential(ctx, b.portalID, app.ID, own.ID); !client.IsNotFound(err) {
		t.Errorf("revoking again: err = %v, want 404", err)
	}

	// The client logs every request, and never a key.
	logs := b.logs.String()
	if !strings.Contains(logs, "/credentials") {
		t.Fatalf("requests were not logged:\n%s", logs)
	}
	for _, secret := range []string{generated.Secret, supplied, b.token} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret reached the logs:\n%s", logs)
		}
	}
}
