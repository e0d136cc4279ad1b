package httpapi

import (
	"net/http"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// userJSON is the owner of an admin token, shaped like Konnect's user object. Admin tokens of
// this server belong to no person, so the object has no email.
type userJSON struct {
	ID        string `json:"id"`
	FullName  string `json:"full_name"`
	Active    bool   `json:"active"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func (a *API) userRoutes() {
	a.route("/v3/users/me", map[string]handlerFunc{
		http.MethodGet: a.getCurrentUser,
	})
}

// getCurrentUser answers who the bearer token belongs to; clients call it to check a token
// once before doing any work. The token has already passed authorized.
func (a *API) getCurrentUser(w http.ResponseWriter, r *http.Request) error {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	var (
		found bool
		rec   store.AdminToken
	)
	err := a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		rec, found, err = tx.AdminTokenByHash(r.Context(), core.HashToken(strings.TrimSpace(tok)))
		return err
	})
	if err == nil && !found {
		// The token was revoked between the check in authorized and this read.
		w.Header().Set("WWW-Authenticate", `Bearer realm="devportal", error="invalid_token"`)
		writeUnauthorized(w, r, "Invalid credentials: the bearer token is not a valid admin token.")
		return nil
	}
	name := "Administrator"
	if rec.ID == store.BootstrapAdminTokenID {
		name = "Bootstrap administrator"
	}
	return respond(w, err, http.StatusOK, userJSON{
		ID:        rec.ID,
		FullName:  name,
		Active:    true,
		CreatedAt: formatTime(rec.CreatedAt),
		UpdatedAt: formatTime(rec.CreatedAt),
	})
}
