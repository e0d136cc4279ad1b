package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// GetCurrentUser names the token's owner, and a rejected token is an IsUnauthorized error
// with the server's detail.
func TestGetCurrentUser(t *testing.T) {
	ctx := context.Background()
	c := newBackendClient(t)
	me, err := c.GetCurrentUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != "bootstrap" || me.FullName != "Bootstrap administrator" || !me.Active || me.CreatedAt.IsZero() {
		t.Errorf("current user = %+v", me)
	}

	wrong, err := client.New(client.Config{ServerURL: c.BaseURL(), Token: "spat_notthetokennotthetokennotthetoken"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.GetCurrentUser(ctx)
	if !client.IsUnauthorized(err) || !strings.Contains(err.Error(), "not a valid admin token") {
		t.Errorf("GetCurrentUser with a wrong token: err = %v, want a 401 with the server's detail", err)
	}
	if client.IsUnauthorized(nil) {
		t.Error("IsUnauthorized(nil)")
	}
}
