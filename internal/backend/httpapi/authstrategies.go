package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// authStrategyJSON is Konnect's AppAuthStrategy response (key-auth or OpenID Connect).
type authStrategyJSON struct {
	ID                          string            `json:"id"`
	Name                        string            `json:"name"`
	DisplayName                 string            `json:"display_name"`
	StrategyType                string            `json:"strategy_type"`
	Configs                     map[string]any    `json:"configs"`
	Active                      bool              `json:"active"`
	DCRProvider                 *struct{}         `json:"dcr_provider"`
	Labels                      map[string]string `json:"labels"`
	CreatedAt                   string            `json:"created_at"`
	UpdatedAt                   string            `json:"updated_at"`
	SupportsMultipleCredentials bool              `json:"supports_multiple_credentials"`
	Principals                  principalsJSON    `json:"principals"`
}

type principalsJSON struct {
	Enabled bool `json:"enabled"`
}

func toAuthStrategyJSON(s core.AuthStrategy, active bool) authStrategyJSON {
	labels := s.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	configs := map[string]any{}
	switch s.StrategyType {
	case core.StrategyKeyAuth:
		configs["key-auth"] = s.KeyAuth
	case core.StrategyOpenIDConnect:
		configs["openid-connect"] = s.OpenIDConnect
	}
	return authStrategyJSON{
		ID:                          s.ID,
		Name:                        s.Name,
		DisplayName:                 s.DisplayName,
		StrategyType:                s.StrategyType,
		Configs:                     configs,
		Active:                      active,
		Labels:                      labels,
		CreatedAt:                   formatTime(s.CreatedAt),
		UpdatedAt:                   formatTime(s.UpdatedAt),
		SupportsMultipleCredentials: true,
		Principals:                  principalsJSON{Enabled: s.PrincipalsEnabled},
	}
}

// readAuthStrategyInput reads a create or update strategy body; current is nil when creating.
func readAuthStrategyInput(o *object, current *core.AuthStrategy) (core.AuthStrategyInput, error) {
	create := current == nil
	in := core.AuthStrategyInput{
		Name:        field[string](o, "name", false),
		DisplayName: field[string](o, "display_name", false),
		// The update schema has no strategy_type; updates accept it only to say clearly that it cannot change.
		StrategyType: field[string](o, "strategy_type", false),
		Labels:       o.labels("labels", !create),
	}
	if p, _ := o.child("principals", false); p != nil {
		in.PrincipalsEnabled = field[bool](p, "enabled", false)
		p.finish()
	}
	if dcr := field[string](o, "dcr_provider_id", true); dcr.HasValue() {
		o.violate(core.Violation{Field: "dcr_provider_id", Rule: "missing_reference", Source: "body",
			Reason: fmt.Sprintf("no DCR provider with id %s exists; this server does not offer DCR providers", dcr.Value)})
	}
	if c, _ := o.child("configs", false); c != nil {
		in.ConfigsSet = true
		if ka, _ := c.child("key-auth", false); ka != nil {
			in.KeyAuth = &core.KeyAuthInput{KeyNames: field[[]string](ka, "key_names", false)}
			if ttl, null := ka.child("ttl", !create); ttl != nil {
				v := field[int](ttl, "value", false)
				u := field[string](ttl, "unit", false)
				if !v.Set {
					ttl.violate(core.RequiredViolation(ttl.path("value")))
				}
				if !u.Set {
					ttl.violate(core.RequiredViolation(ttl.path("unit")))
				}
				in.KeyAuth.TTL = core.Val(core.KeyAuthTTL{Value: v.Value, Unit: u.Value})
				ttl.finish()
			} else if null {
				in.KeyAuth.TTL = core.Null[core.KeyAuthTTL]()
			}
			ka.finish()
		}
		if oidc, _ := c.child("openid-connect", false); oidc != nil {
			in.OpenIDConnect = oidc.anyMap()
		}
		if in.KeyAuth != nil && in.OpenIDConnect != nil {
			c.violate(core.InvalidViolation("configs", "configs holds one strategy configuration: key-auth or openid-connect, not both"))
		}
		c.finish()
	}
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidateAuthStrategyInput(in, current)
	}
	return in, core.Invalid(vs...)
}

func (a *API) listAuthStrategies(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := sortedListParams(r, store.AuthStrategySortFields, "name", "display_name", "strategy_type")
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var data []authStrategyJSON
	var total int
	err = a.store.View(ctx, func(tx *store.Tx) error {
		list, n, err := tx.ListAuthStrategies(ctx, region, store.AuthStrategyFilter{
			Name: filters["name"], DisplayName: filters["display_name"], StrategyType: filters["strategy_type"],
		}, page)
		if err != nil {
			return err
		}
		total = n
		for _, s := range list {
			active, err := strategyActive(ctx, tx, s)
			if err != nil {
				return err
			}
			data = append(data, toAuthStrategyJSON(s, active))
		}
		return nil
	})
	return respond(w, err, http.StatusOK, newListResponse(data, page, total))
}

func (a *API) createAuthStrategy(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAuthStrategyInput(o, nil)
	if err != nil {
		return err
	}
	s := core.NewAuthStrategy(in, uuid.NewString(), regionOf(r), a.now())
	if err := a.store.WithTx(r.Context(), func(tx *store.Tx) error { return tx.InsertAuthStrategy(r.Context(), s) }); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAuthStrategyJSON(s, false))
	return nil
}

func (a *API) getAuthStrategy(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var out authStrategyJSON
	err := a.store.View(ctx, func(tx *store.Tx) error {
		s, err := getAuthStrategy(ctx, tx, regionOf(r), r.PathValue("authStrategyId"))
		if err != nil {
			return err
		}
		active, err := strategyActive(ctx, tx, s)
		out = toAuthStrategyJSON(s, active)
		return err
	})
	return respond(w, err, http.StatusOK, out)
}

func (a *API) updateAuthStrategy(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var out authStrategyJSON
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedAuthStrategies, r.PathValue("authStrategyId")); err != nil {
			return err
		}
		current, err := getAuthStrategy(ctx, tx, region, r.PathValue("authStrategyId"))
		if err != nil {
			return err
		}
		in, err := readAuthStrategyInput(o, &current)
		if err != nil {
			return err
		}
		updated := core.ApplyAuthStrategyInput(current, in, a.now())
		if err := core.Invalid(core.ValidateMergedLabels("labels", updated.Labels)...); err != nil {
			return err
		}
		out, err = a.saveAuthStrategy(ctx, tx, updated)
		return err
	})
	return respond(w, err, http.StatusOK, out)
}

// replaceAuthStrategy replaces every mutable field of a strategy with the create body given:
// what the body leaves out takes its creation default. The type cannot change, and an unknown
// id is not created: the document describes replacing a strategy, not making one. It answers
// 201, the only success status the document gives this operation.
func (a *API) replaceAuthStrategy(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAuthStrategyInput(o, nil)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var out authStrategyJSON
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedAuthStrategies, r.PathValue("authStrategyId")); err != nil {
			return err
		}
		current, err := getAuthStrategy(ctx, tx, region, r.PathValue("authStrategyId"))
		if err != nil {
			return err
		}
		s, err := core.ReplaceAuthStrategy(current, in, a.now())
		if err != nil {
			return err
		}
		out, err = a.saveAuthStrategy(ctx, tx, s)
		return err
	})
	return respond(w, err, http.StatusCreated, out)
}

// saveAuthStrategy stores a changed strategy and brings the managed plugins of the APIs published
// with it up to date, through which key names and OIDC settings reach the gateway.
func (a *API) saveAuthStrategy(ctx context.Context, tx *store.Tx, s core.AuthStrategy) (authStrategyJSON, error) {
	if err := tx.UpdateAuthStrategy(ctx, s); err != nil {
		return authStrategyJSON{}, err
	}
	apiIDs, err := tx.APIsUsingAuthStrategy(ctx, s.Region, s.ID)
	if err != nil {
		return authStrategyJSON{}, err
	}
	if err := a.reconcileKAA(ctx, tx, s.Region, apiIDs...); err != nil {
		return authStrategyJSON{}, err
	}
	active, err := strategyActive(ctx, tx, s)
	return toAuthStrategyJSON(s, active), err
}

// maxNamedUsers bounds how many users of a strategy a refusal lists, so that a strategy with
// thousands of applications still gets a readable message.
const maxNamedUsers = 10

// deleteAuthStrategy refuses (409) while a portal uses the strategy as its default, a
// publication uses it or applications hold credentials of it, naming those users.
func (a *API) deleteAuthStrategy(w http.ResponseWriter, r *http.Request) error {
	ctx, region, id := r.Context(), regionOf(r), r.PathValue("authStrategyId")
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		s, err := getAuthStrategy(ctx, tx, region, id)
		if err != nil {
			return err
		}
		portals, err := tx.PortalsUsingAuthStrategy(ctx, region, id)
		if err != nil {
			return err
		}
		pubs, err := tx.PublicationsUsingAuthStrategy(ctx, region, id)
		if err != nil {
			return err
		}
		var users []string
		for _, p := range portals {
			users = append(users, fmt.Sprintf("portal %q (%s) uses it as its default application auth strategy", p.Name, p.ID))
		}
		for _, p := range pubs {
			users = append(users, fmt.Sprintf("API %s (%s) is published with it to portal %q (%s)",
				core.APILabel(p.APIName, p.APIVersion), p.APIID, p.PortalName, p.PortalID))
		}
		apps, err := tx.ApplicationsUsingAuthStrategy(ctx, region, id)
		if err != nil {
			return err
		}
		for _, app := range apps {
			users = append(users, fmt.Sprintf("application %q (%s) of portal %q (%s) uses it",
				app.Name, app.ID, app.PortalName, app.PortalID))
		}
		if len(users) > maxNamedUsers {
			users = append(users[:maxNamedUsers], fmt.Sprintf("and %d more", len(users)-maxNamedUsers))
		}
		if len(users) > 0 {
			return errorf(http.StatusConflict,
				"Application auth strategy %q (%s) is in use: %s. Change those portal defaults and publications to another strategy and delete those applications first.",
				s.Name, s.ID, strings.Join(users, "; "))
		}
		return tx.DeleteAuthStrategy(ctx, region, id)
	})
	return noContent(w, err)
}

func getAuthStrategy(ctx context.Context, tx *store.Tx, region, id string) (core.AuthStrategy, error) {
	s, err := tx.GetAuthStrategy(ctx, region, id)
	return s, orNotFound(err, "Application auth strategy", id)
}

// strategyActive reports whether a publication uses the strategy, as Konnect's "active" field does.
func strategyActive(ctx context.Context, tx *store.Tx, s core.AuthStrategy) (bool, error) {
	n, err := tx.CountAuthStrategyPublications(ctx, s.Region, s.ID)
	return n > 0, err
}
