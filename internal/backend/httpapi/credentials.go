package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// credentialJSON is an API key credential; Credential holds the secret only in the answer to
// its creation.
type credentialJSON struct {
	Type        string  `json:"type"`
	ID          string  `json:"id"`
	DisplayName string  `json:"display_name"`
	Credential  string  `json:"credential,omitempty"`
	Status      string  `json:"status"`
	ExpiresAt   *string `json:"expires_at"`
	CreatedAt   string  `json:"created_at"`
}

func toCredentialJSON(k core.APIKey, now time.Time) credentialJSON {
	out := credentialJSON{Type: "api_key", ID: k.ID, DisplayName: k.DisplayName, Status: k.Status(now), CreatedAt: formatTime(k.CreatedAt)}
	if !k.ExpiresAt.IsZero() {
		s := formatTime(k.ExpiresAt)
		out.ExpiresAt = &s
	}
	return out
}

// newKeyRequest is a valid request for a key.
type newKeyRequest struct {
	displayName string
	secret      string    // a caller-supplied key; empty to generate one
	expiresAt   time.Time // zero to take the strategy's ttl
	origin      string
}

// issueKey creates a key for app, within the per-application limit, and returns it with its secret.
func (a *API) issueKey(ctx context.Context, tx *store.Tx, app core.Application, req newKeyRequest) (core.APIKey, string, error) {
	developer := req.origin == core.APIKeyByDeveloper
	s, err := tx.GetAuthStrategy(ctx, app.Region, app.AuthStrategyID)
	if errors.Is(err, store.ErrNotFound) {
		if developer {
			return core.APIKey{}, "", errorf(http.StatusConflict,
				"API keys cannot be issued for this application any more: ask the portal's administrators.")
		}
		return core.APIKey{}, "", errorf(http.StatusConflict,
			"Application %s uses auth strategy %s, which no longer exists: API keys cannot be issued for it.", app.ID, app.AuthStrategyID)
	}
	if err != nil {
		return core.APIKey{}, "", err
	}
	if s.StrategyType != core.StrategyKeyAuth {
		if developer {
			return core.APIKey{}, "", errorf(http.StatusConflict,
				"This application's credentials are issued by the identity provider, not as API keys.")
		}
		return core.APIKey{}, "", errorf(http.StatusConflict,
			"Application %s uses the %s strategy %q, whose credentials are issued by the identity provider; API keys exist only for key_auth applications.",
			app.ID, s.StrategyType, s.Name)
	}
	n, err := tx.CountAPIKeys(ctx, app.ID)
	if err != nil {
		return core.APIKey{}, "", err
	}
	if core.APIKeyLimitReached(n) {
		return core.APIKey{}, "", errorf(http.StatusForbidden, "Maximum number of Credentials exceeded. Max Allowed: %d", core.MaxAPIKeysPerApplication)
	}
	secret := req.secret
	if secret == "" {
		if secret, err = core.GenerateAPIKey(); err != nil {
			return core.APIKey{}, "", err
		}
	}
	now := a.now()
	k := core.APIKey{ID: uuid.NewString(), Region: app.Region, ApplicationID: app.ID, DisplayName: req.displayName,
		Hash: core.HashAPIKey(secret), Hint: core.APIKeyHint(secret), Origin: req.origin, ExpiresAt: req.expiresAt, CreatedAt: now}
	if k.ExpiresAt.IsZero() && s.KeyAuth.TTL != nil {
		if k.ExpiresAt, err = core.APIKeyExpiresAt(now, s.KeyAuth.TTL.Value, s.KeyAuth.TTL.Unit); err != nil {
			// Only a strategy stored before its ttl was bounded can get here.
			return core.APIKey{}, "", errorf(http.StatusConflict,
				"Auth strategy %s cannot issue keys: %v. Change the strategy's configs.key-auth.ttl.", s.ID, err)
		}
	}
	if k.DisplayName == "" {
		k.DisplayName = "API key " + formatTime(now)
	}
	if err := tx.InsertAPIKey(ctx, k); errors.Is(err, store.ErrConflict) {
		return core.APIKey{}, "", errorf(http.StatusConflict, "This key is already in use: supply another value.")
	} else if err != nil {
		return core.APIKey{}, "", err
	}
	return k, secret, nil
}

// readDisplayName reads a body holding only display_name.
func readDisplayName(w http.ResponseWriter, r *http.Request, required bool) (string, error) {
	o, err := readObject(w, r)
	if err != nil {
		return "", err
	}
	name := field[string](o, "display_name", false)
	vs := o.finish()
	switch {
	case name.HasValue():
		vs = append(vs, core.CheckName("display_name", name.Value, core.CredentialDisplayNameMax)...)
	case required && !name.Set:
		vs = append(vs, core.RequiredViolation("display_name"))
	}
	return name.Value, core.Invalid(vs...)
}

// Developer portal endpoints.

func (a *API) devListCredentials(w http.ResponseWriter, r *http.Request, c devContext) error {
	return a.listCredentials(w, r, c.portal.ID, c.developer)
}

func (a *API) listCredentials(w http.ResponseWriter, r *http.Request, portalID string, developer *core.Developer) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		keys  []core.APIKey
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, developer)
		if err != nil {
			return err
		}
		keys, total, err = tx.ListAPIKeys(ctx, region, app.ID, page)
		return err
	})
	if err != nil {
		return err
	}
	now := a.now()
	out := make([]credentialJSON, len(keys))
	for i, k := range keys {
		out[i] = toCredentialJSON(k, now)
	}
	writeJSON(w, http.StatusOK, newListResponse(out, page, total))
	return nil
}

func (a *API) devCreateCredential(w http.ResponseWriter, r *http.Request, c devContext) error {
	name := ""
	if r.ContentLength != 0 {
		var err error
		if name, err = readDisplayName(w, r, false); err != nil {
			return err
		}
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		k      core.APIKey
		secret string
	)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, region, c.portal.ID, r.PathValue("applicationId"), c.developer)
		if err != nil {
			return err
		}
		k, secret, err = a.issueKey(ctx, tx, app, newKeyRequest{displayName: name, origin: core.APIKeyByDeveloper})
		return err
	})
	if err != nil {
		return err
	}
	a.log.DebugContext(ctx, "API key created", "application_id", k.ApplicationID, "credential_id", k.ID)
	out := toCredentialJSON(k, a.now())
	out.Credential = secret
	noStore(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) devRenameCredential(w http.ResponseWriter, r *http.Request, c devContext) error {
	name, err := readDisplayName(w, r, true)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, region, c.portal.ID, r.PathValue("applicationId"), c.developer)
		if err != nil {
			return err
		}
		k, err := getKey(ctx, tx, app, r.PathValue("credentialId"))
		if err != nil {
			return err
		}
		return tx.RenameAPIKey(ctx, region, app.ID, k.ID, name)
	})
	if err != nil {
		return err
	}
	// The document gives this answer no body.
	w.WriteHeader(http.StatusOK)
	return nil
}

func getKey(ctx context.Context, tx *store.Tx, app core.Application, id string) (core.APIKey, error) {
	k, err := tx.GetAPIKey(ctx, app.Region, app.ID, id)
	return k, orNotFound(err, "Credential", id)
}

func (a *API) devDeleteCredential(w http.ResponseWriter, r *http.Request, c devContext) error {
	return a.deleteCredential(w, r, c.portal.ID, c.developer)
}

func (a *API) deleteCredential(w http.ResponseWriter, r *http.Request, portalID string, developer *core.Developer) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, developer)
		if err != nil {
			return err
		}
		k, err := getKey(ctx, tx, app, r.PathValue("credentialId"))
		if err != nil {
			return err
		}
		return tx.DeleteAPIKey(ctx, region, app.ID, k.ID)
	})
	return noContent(w, err)
}

// Admin endpoints.

func (a *API) adminListCredentials(w http.ResponseWriter, r *http.Request) error {
	return a.listCredentials(w, r, r.PathValue("portalId"), nil)
}

// adminIssueCredential issues a key for an application: generated, with the secret in this
// answer only, or supplied by the caller, of which only the hash is kept.
func (a *API) adminIssueCredential(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	name := field[string](o, "display_name", false)
	secret := field[string](o, "credential", false)
	expires := field[string](o, "expires_at", true)
	vs := o.finish()
	req := newKeyRequest{displayName: name.Value, origin: core.APIKeyGenerated}
	if name.HasValue() {
		vs = append(vs, core.CheckName("display_name", name.Value, core.CredentialDisplayNameMax)...)
	}
	if secret.HasValue() {
		if err := core.CheckAPIKey(secret.Value); err != nil {
			vs = append(vs, core.InvalidViolation("credential", err.Error()))
		}
		req.secret, req.origin = secret.Value, core.APIKeySupplied
	}
	if expires.HasValue() {
		t, err := time.Parse(time.RFC3339, expires.Value)
		switch {
		case err != nil:
			vs = append(vs, core.Violation{Field: "expires_at", Rule: "is_date_time", Source: "body",
				Reason: "must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z"})
		default:
			if evs := core.CheckAPIKeyExpiresAt("expires_at", t, a.now()); evs != nil {
				vs = append(vs, evs...)
			} else {
				req.expiresAt = t.UTC()
			}
		}
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, portalID := r.Context(), r.PathValue("portalId")
	var k core.APIKey
	var generated string
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, nil)
		if err != nil {
			return err
		}
		k, generated, err = a.issueKey(ctx, tx, app, req)
		return err
	})
	if err != nil {
		return err
	}
	out := toCredentialJSON(k, a.now())
	if req.secret == "" {
		out.Credential = generated
	}
	noStore(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) adminGetCredential(w http.ResponseWriter, r *http.Request) error {
	ctx, portalID := r.Context(), r.PathValue("portalId")
	var k core.APIKey
	err := a.store.View(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, nil)
		if err != nil {
			return err
		}
		k, err = getKey(ctx, tx, app, r.PathValue("credentialId"))
		return err
	})
	return respond(w, err, http.StatusOK, toCredentialJSON(k, a.now()))
}

// adminRenameCredential changes a key's display name, as the developer portal's PUT does for the
// developer, and answers with the key; its secret and expiry stay.
func (a *API) adminRenameCredential(w http.ResponseWriter, r *http.Request) error {
	name, err := readDisplayName(w, r, true)
	if err != nil {
		return err
	}
	ctx, portalID := r.Context(), r.PathValue("portalId")
	var k core.APIKey
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, nil)
		if err != nil {
			return err
		}
		if k, err = getKey(ctx, tx, app, r.PathValue("credentialId")); err != nil {
			return err
		}
		k.DisplayName = name
		return tx.RenameAPIKey(ctx, app.Region, app.ID, k.ID, name)
	})
	return respond(w, err, http.StatusOK, toCredentialJSON(k, a.now()))
}

func (a *API) adminDeleteCredential(w http.ResponseWriter, r *http.Request) error {
	return a.deleteCredential(w, r, r.PathValue("portalId"), nil)
}
