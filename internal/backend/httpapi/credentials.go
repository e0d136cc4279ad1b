package httpapi

import (
	"net/http"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
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

// readDisplayName reads a body holding only display_name.
func readDisplayName(w http.ResponseWriter, r *http.Request, required bool) (string, error) {
	o, err := readObject(w, r)
	if err != nil {
		return "", err
	}
	name := field[string](o, "display_name", false)
	vs := append(o.finish(), service.CheckKeyName(name, required)...)
	return name.Value, core.Invalid(vs...)
}

// Developer portal endpoints.

func (a *API) devListCredentials(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	keys, total, err := a.svc.Keys(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), page)
	return a.writeKeyList(w, keys, total, page, err)
}

func (a *API) writeKeyList(w http.ResponseWriter, keys []core.APIKey, total int, page store.Page, err error) error {
	if err != nil {
		return err
	}
	now := a.svc.Now()
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
	k, err := a.svc.CreateKey(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), name)
	if err != nil {
		return err
	}
	out := toCredentialJSON(k.Key, a.svc.Now())
	out.Credential = k.Secret
	noStore(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) devRenameCredential(w http.ResponseWriter, r *http.Request, c devContext) error {
	name, err := readDisplayName(w, r, true)
	if err != nil {
		return err
	}
	if err := a.svc.RenameKey(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), r.PathValue("credentialId"), name); err != nil {
		return err
	}
	// The document gives this answer no body.
	w.WriteHeader(http.StatusOK)
	return nil
}

func (a *API) devDeleteCredential(w http.ResponseWriter, r *http.Request, c devContext) error {
	return noContent(w, a.svc.DeleteKey(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), r.PathValue("credentialId")))
}

// Admin endpoints.

func (a *API) adminListCredentials(w http.ResponseWriter, r *http.Request) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	keys, total, err := a.svc.AdminKeys(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), page)
	return a.writeKeyList(w, keys, total, page, err)
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
	vs := append(o.finish(), service.CheckKeyName(name, false)...)
	req := service.KeyRequest{DisplayName: name.Value}
	if secret.HasValue() {
		if err := core.CheckAPIKey(secret.Value); err != nil {
			vs = append(vs, core.InvalidViolation("credential", err.Error()))
		}
		req.Secret = secret.Value
	}
	if expires.HasValue() {
		t, err := time.Parse(time.RFC3339, expires.Value)
		switch {
		case err != nil:
			vs = append(vs, core.Violation{Field: "expires_at", Rule: "is_date_time", Source: "body",
				Reason: "must be an RFC 3339 date-time such as 2030-01-31T12:00:00Z"})
		default:
			if evs := core.CheckAPIKeyExpiresAt("expires_at", t, a.svc.Now()); evs != nil {
				vs = append(vs, evs...)
			} else {
				req.ExpiresAt = t.UTC()
			}
		}
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	k, err := a.svc.AdminIssueKey(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), req)
	if err != nil {
		return err
	}
	out := toCredentialJSON(k.Key, a.svc.Now())
	out.Credential = k.Secret
	noStore(w)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) adminGetCredential(w http.ResponseWriter, r *http.Request) error {
	k, err := a.svc.AdminKey(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), r.PathValue("credentialId"))
	return respond(w, err, http.StatusOK, toCredentialJSON(k, a.svc.Now()))
}

// adminRenameCredential changes a key's display name, as the developer portal's PUT does for the
// developer, and answers with the key; its secret and expiry stay.
func (a *API) adminRenameCredential(w http.ResponseWriter, r *http.Request) error {
	name, err := readDisplayName(w, r, true)
	if err != nil {
		return err
	}
	k, err := a.svc.AdminRenameKey(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"),
		r.PathValue("credentialId"), name)
	return respond(w, err, http.StatusOK, toCredentialJSON(k, a.svc.Now()))
}

func (a *API) adminDeleteCredential(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.svc.AdminDeleteKey(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"),
		r.PathValue("credentialId")))
}
