package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// portalJSON is Konnect's PortalResponse.
type portalJSON struct {
	ID                                         string            `json:"id"`
	Name                                       string            `json:"name"`
	DisplayName                                string            `json:"display_name"`
	Description                                *string           `json:"description"`
	AuthenticationEnabled                      bool              `json:"authentication_enabled"`
	RBACEnabled                                bool              `json:"rbac_enabled"`
	SIPREnabled                                bool              `json:"sipr_enabled"`
	DefaultAPIVisibility                       string            `json:"default_api_visibility"`
	DefaultPageVisibility                      string            `json:"default_page_visibility"`
	DefaultApplicationAuthStrategyID           *string           `json:"default_application_auth_strategy_id"`
	AutoApproveDevelopers                      bool              `json:"auto_approve_developers"`
	AutoApproveApplications                    bool              `json:"auto_approve_applications"`
	DefaultDomain                              string            `json:"default_domain"`
	CanonicalDomain                            string            `json:"canonical_domain"`
	Labels                                     map[string]string `json:"labels"`
	NotificationsDeveloperPIIVisibilityEnabled bool              `json:"notifications_developer_pii_visibility_enabled"`
	CreatedAt                                  string            `json:"created_at"`
	UpdatedAt                                  string            `json:"updated_at"`
}

func toPortalJSON(p core.Portal) portalJSON {
	labels := p.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return portalJSON{
		ID:                               p.ID,
		Name:                             p.Name,
		DisplayName:                      p.DisplayName,
		Description:                      p.Description,
		AuthenticationEnabled:            p.AuthenticationEnabled,
		RBACEnabled:                      p.RBACEnabled,
		SIPREnabled:                      p.SIPREnabled,
		DefaultAPIVisibility:             p.DefaultAPIVisibility,
		DefaultPageVisibility:            p.DefaultPageVisibility,
		DefaultApplicationAuthStrategyID: p.DefaultApplicationAuthStrategyID,
		AutoApproveDevelopers:            p.AutoApproveDevelopers,
		AutoApproveApplications:          p.AutoApproveApplications,
		DefaultDomain:                    p.DefaultDomain,
		CanonicalDomain:                  p.CanonicalDomain(),
		Labels:                           labels,
		NotificationsDeveloperPIIVisibilityEnabled: p.NotificationsDeveloperPIIVisibilityEnabled,
		CreatedAt: formatTime(p.CreatedAt),
		UpdatedAt: formatTime(p.UpdatedAt),
	}
}

// readPortalInput reads a create or update portal body.
func readPortalInput(o *object, create bool) (core.PortalInput, error) {
	in := core.PortalInput{
		Name:                             field[string](o, "name", false),
		DisplayName:                      field[string](o, "display_name", false),
		Description:                      field[string](o, "description", true),
		AuthenticationEnabled:            field[bool](o, "authentication_enabled", false),
		RBACEnabled:                      field[bool](o, "rbac_enabled", false),
		SIPREnabled:                      field[bool](o, "sipr_enabled", false),
		DefaultAPIVisibility:             field[string](o, "default_api_visibility", false),
		DefaultPageVisibility:            field[string](o, "default_page_visibility", false),
		DefaultApplicationAuthStrategyID: field[string](o, "default_application_auth_strategy_id", true),
		AutoApproveDevelopers:            field[bool](o, "auto_approve_developers", false),
		AutoApproveApplications:          field[bool](o, "auto_approve_applications", false),
		NotificationsDeveloperPIIVisibilityEnabled: field[bool](o, "notifications_developer_pii_visibility_enabled", false),
		Labels: o.labels("labels", true),
	}
	o.readOnly("id", "created_at", "updated_at", "default_domain", "canonical_domain")
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidatePortalInput(in, create)
	}
	return in, core.Invalid(vs...)
}

func (a *API) listPortals(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := sortedListParams(r, store.PortalSortFields, "name")
	if err != nil {
		return err
	}
	var (
		portals []core.Portal
		total   int
	)
	err = a.store.View(r.Context(), func(tx *store.Tx) error {
		portals, total, err = tx.ListPortals(r.Context(), regionOf(r), store.PortalFilter{Name: filters["name"]}, page)
		return err
	})
	return respond(w, err, http.StatusOK, newListResponse(mapEach(portals, toPortalJSON), page, total))
}

// createPortal creates a portal. When authentication is on and the request does not mention
// default_application_auth_strategy_id, it also creates a key-auth strategy owned by the portal
// and makes it the default (see core.WantsManagedKeyAuthStrategy), in the same transaction.
func (a *API) createPortal(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readPortalInput(o, true)
	if err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	p := core.NewPortal(in, uuid.NewString(), region, now)
	if err := core.Invalid(core.ValidatePortal(p)...); err != nil {
		return err
	}
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := checkPortalName(ctx, tx, p); err != nil {
			return err
		}
		if err := checkStrategyReference(ctx, tx, region, p.DefaultApplicationAuthStrategyID); err != nil {
			return err
		}
		if err := tx.InsertPortal(ctx, p); err != nil {
			return err
		}
		if err := tx.PutPortalAuthSettings(ctx, region, p.ID, core.DefaultPortalAuthSettings()); err != nil {
			return err
		}
		if err := tx.InsertPage(ctx, core.DefaultHomePage(uuid.NewString(), p, now)); err != nil {
			return err
		}
		if !core.WantsManagedKeyAuthStrategy(in) {
			return nil
		}
		s := core.NewAuthStrategy(core.ManagedKeyAuthStrategyInput(p.Name), uuid.NewString(), region, now)
		s.OwnerPortalID = &p.ID
		if err := tx.InsertAuthStrategy(ctx, s); err != nil {
			return err
		}
		p.DefaultApplicationAuthStrategyID = &s.ID
		return tx.UpdatePortal(ctx, p)
	})
	return respond(w, err, http.StatusCreated, toPortalJSON(p))
}

func (a *API) getPortal(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("portalId")
	var p core.Portal
	err := a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		p, err = getPortal(r.Context(), tx, regionOf(r), id)
		return err
	})
	return respond(w, err, http.StatusOK, toPortalJSON(p))
}

func (a *API) updatePortal(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("portalId")
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readPortalInput(o, false)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var p core.Portal
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedPortals, id); err != nil {
			return err
		}
		current, err := getPortal(ctx, tx, region, id)
		if err != nil {
			return err
		}
		p = core.ApplyPortalInput(current, in, a.now())
		if err := core.Invalid(append(core.ValidatePortal(p), core.ValidateMergedLabels("labels", p.Labels)...)...); err != nil {
			return err
		}
		if p.Name != current.Name {
			if err := checkPortalName(ctx, tx, p); err != nil {
				return err
			}
		}
		if in.DefaultApplicationAuthStrategyID.HasValue() {
			if err := checkStrategyReference(ctx, tx, region, p.DefaultApplicationAuthStrategyID); err != nil {
				return err
			}
		}
		owned, err := tx.AuthStrategiesOwnedByPortal(ctx, region, id)
		if err != nil {
			return err
		}
		var retired []string
		for _, sid := range core.ManagedStrategiesToRetire(p, in, owned) {
			used, err := strategyInUse(ctx, tx, region, sid, p.ID)
			if err != nil {
				return err
			}
			if used {
				continue
			}
			if p.DefaultApplicationAuthStrategyID != nil && *p.DefaultApplicationAuthStrategyID == sid {
				p.DefaultApplicationAuthStrategyID = nil
			}
			retired = append(retired, sid)
		}
		if err := tx.UpdatePortal(ctx, p); err != nil {
			return err
		}
		for _, sid := range retired {
			if err := tx.DeleteAuthStrategy(ctx, region, sid); err != nil {
				return err
			}
		}
		return nil
	})
	return respond(w, err, http.StatusOK, toPortalJSON(p))
}

// strategyInUse reports whether a portal other than exceptPortalID has the strategy as its
// default, or a publication or an application uses it: the key-auth strategy a portal created
// for itself is deleted by the backend only when none does.
func strategyInUse(ctx context.Context, tx *store.Tx, region, strategyID, exceptPortalID string) (bool, error) {
	portals, err := tx.PortalsUsingAuthStrategy(ctx, region, strategyID)
	if err != nil {
		return false, err
	}
	for _, p := range portals {
		if p.ID != exceptPortalID {
			return true, nil
		}
	}
	pubs, err := tx.CountAuthStrategyPublications(ctx, region, strategyID)
	if err != nil || pubs > 0 {
		return pubs > 0, err
	}
	apps, err := tx.ApplicationsUsingAuthStrategy(ctx, region, strategyID)
	return len(apps) > 0, err
}

// deletePortal deletes a portal with its authentication settings. While APIs are published to
// it, or developers or applications exist in it, the request is refused with 409 unless
// force=true (core.PortalDeletionRefusal); forced, the publications (with their plugin effects),
// developers, applications, registrations and API keys go with it in one transaction. The
// key-auth strategy the portal created as its default is deleted with it when nothing else uses it.
func (a *API) deletePortal(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("portalId")
	force := false
	switch v := r.URL.Query().Get("force"); v {
	case "", "false":
	case "true":
		force = true
	default:
		vi := queryViolation("force", "enum", "must be one of [true, false]")
		vi.Choices = []string{"true", "false"}
		return core.Invalid(vi)
	}
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, id)
		if err != nil {
			return err
		}
		contents, err := tx.CountPortalContents(ctx, region, id)
		if err != nil {
			return err
		}
		pubs, err := tx.PublicationsOfPortal(ctx, region, id)
		if err != nil {
			return err
		}
		for _, pub := range pubs {
			contents.PublishedAPIs = append(contents.PublishedAPIs,
				fmt.Sprintf("%s (%s)", core.APILabel(pub.APIName, pub.APIVersion), pub.APIID))
		}
		if refusal := core.PortalDeletionRefusal(p.Name, p.ID, contents, force); refusal != "" {
			return errorf(http.StatusConflict, "%s", refusal)
		}
		// The publications go first, with their plugin effects; developers, applications,
		// registrations and keys follow the portal through the schema's cascades.
		apiIDs, err := tx.DeletePortalPublications(ctx, region, id)
		if err != nil {
			return err
		}
		if err := a.reconcileKAA(ctx, tx, region, apiIDs...); err != nil {
			return err
		}
		owned, err := tx.AuthStrategiesOwnedByPortal(ctx, region, id)
		if err != nil {
			return err
		}
		if err := tx.DeletePortal(ctx, region, id); err != nil {
			return err
		}
		for _, sid := range owned {
			used, err := strategyInUse(ctx, tx, region, sid, "")
			if err != nil {
				return err
			}
			if !used {
				if err := tx.DeleteAuthStrategy(ctx, region, sid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return noContent(w, err)
}

func getPortal(ctx context.Context, tx *store.Tx, region, id string) (core.Portal, error) {
	p, err := tx.GetPortal(ctx, region, id)
	return p, orNotFound(err, "Portal", id)
}

func checkPortalName(ctx context.Context, tx *store.Tx, p core.Portal) error {
	taken, err := tx.PortalNameTaken(ctx, p.Region, p.Name, p.ID)
	if err != nil {
		return err
	}
	if taken {
		return errorf(http.StatusConflict, "A portal named %q already exists in region %s: choose another name.", p.Name, p.Region)
	}
	return nil
}

// checkStrategyReference fails with a 400 naming default_application_auth_strategy_id when id
// is not a strategy of the region.
func checkStrategyReference(ctx context.Context, tx *store.Tx, region string, id *string) error {
	if id == nil {
		return nil
	}
	_, err := tx.GetAuthStrategy(ctx, region, *id)
	if errors.Is(err, store.ErrNotFound) {
		return core.Invalid(core.Violation{Field: "default_application_auth_strategy_id", Rule: "missing_reference", Source: "body",
			Reason: fmt.Sprintf("no application auth strategy with id %s exists in region %s", *id, region)})
	}
	return err
}
