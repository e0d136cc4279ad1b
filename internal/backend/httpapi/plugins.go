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

// pluginJSON is Kong's plugin entity.
type pluginJSON struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	InstanceName *string        `json:"instance_name"`
	Config       map[string]any `json:"config"`
	Enabled      bool           `json:"enabled"`
	Protocols    []string       `json:"protocols"`
	Tags         []string       `json:"tags"`
	Service      *foreignKey    `json:"service"`
	Route        *foreignKey    `json:"route"`
	Consumer     *foreignKey    `json:"consumer"`
	CreatedAt    int64          `json:"created_at"`
	UpdatedAt    int64          `json:"updated_at"`
}

// foreignKey is how Kong entities refer to each other: {"id": "..."}.
type foreignKey struct {
	ID string `json:"id"`
}

func toPluginJSON(p core.GatewayPlugin) pluginJSON {
	out := pluginJSON{ID: p.ID, Name: p.Name, Config: p.Config, Enabled: p.Enabled, Protocols: p.Protocols,
		Tags: p.Tags, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.ServiceID != nil {
		out.Service = &foreignKey{ID: *p.ServiceID}
	}
	if out.Config == nil {
		out.Config = map[string]any{}
	}
	return out
}

// readPluginInput reads a Kong plugin body; withService tells whether the body may name its service
// (the control-plane-wide endpoints) rather than the path.
func readPluginInput(o *object, withService bool) (core.PluginInput, []core.Violation) {
	in := core.PluginInput{
		Name:      field[string](o, "name", false),
		Enabled:   field[bool](o, "enabled", true),
		Protocols: field[[]string](o, "protocols", true),
		Tags:      field[[]string](o, "tags", true),
	}
	if c, null := o.child("config", true); c != nil {
		in.Config = core.Val(c.anyMap())
	} else if null {
		in.Config = core.Null[map[string]any]()
	}
	if withService {
		if s, _ := o.child("service", true); s != nil {
			in.ServiceID = field[string](s, "id", false)
			if !in.ServiceID.Set {
				s.violate(core.RequiredViolation("service.id"))
			}
			s.finish()
		}
	}
	for _, name := range []string{"route", "consumer", "consumer_group", "instance_name"} {
		if raw, ok := o.take(name); ok && !isNull(raw) {
			o.violate(core.InvalidViolation(name, fmt.Sprintf("this server does not support plugins scoped by %s: leave it out or send null", name)))
		}
	}
	o.ignore("id", "created_at", "updated_at")
	return in, o.finish()
}

// entityScope is the path a plugin or route request came through: a control plane, and a service
// when the path names one.
type entityScope struct {
	cp      core.ControlPlane
	service *core.GatewayService
}

// entityScopeOf reads the scope a core-entities path names: its control plane and, under
// /services/{serviceId}, the service.
func entityScopeOf(ctx context.Context, tx *store.Tx, r *http.Request) (entityScope, error) {
	cp, err := getControlPlane(ctx, tx, regionOf(r), r.PathValue("controlPlaneId"))
	if err != nil {
		return entityScope{}, err
	}
	sc := entityScope{cp: cp}
	if sid := r.PathValue("serviceId"); sid != "" {
		s, err := getService(ctx, tx, cp, sid)
		if err != nil {
			return entityScope{}, err
		}
		sc.service = &s
	}
	return sc, nil
}

// serviceID is the id of the scope's service, nil for the whole control plane.
func (sc entityScope) serviceID() *string {
	if sc.service == nil {
		return nil
	}
	return &sc.service.ID
}

// getPlugin finds a plugin in scope; a plugin of another service is not found through a service path.
func (sc entityScope) getPlugin(ctx context.Context, tx *store.Tx, id string) (core.GatewayPlugin, error) {
	p, err := tx.GetPlugin(ctx, sc.cp.Region, sc.cp.ID, id)
	if err == nil && sc.service != nil && (p.ServiceID == nil || *p.ServiceID != sc.service.ID) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return p, errorf(http.StatusNotFound, "Plugin %s not found in control plane %s", id, sc.cp.ID)
	}
	return p, err
}

func (a *API) listPlugins(w http.ResponseWriter, r *http.Request) error {
	page, filter, err := kongListParams(r.URL.Query(), "size", "offset")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var (
		list []core.GatewayPlugin
		more bool
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		list, more, err = tx.ListPlugins(ctx, sc.cp.Region, sc.cp.ID, sc.serviceID(), filter, page)
		return err
	})
	return respond(w, err, http.StatusOK, newKongList(mapEach(list, toPluginJSON), page, more))
}

func (a *API) getPlugin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var p core.GatewayPlugin
	err := a.store.View(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		p, err = sc.getPlugin(ctx, tx, r.PathValue("pluginId"))
		return err
	})
	return respond(w, err, http.StatusOK, toPluginJSON(p))
}

func (a *API) createPlugin(w http.ResponseWriter, r *http.Request) error {
	return a.putPlugin(w, r, "", http.StatusCreated)
}

func (a *API) upsertPlugin(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("pluginId")
	if !core.IsUUID(id) {
		return core.Invalid(core.Violation{Field: "id", Rule: "is_uuid", Source: "path",
			Reason: "plugins are created or replaced by id: the path must end with a UUID"})
	}
	return a.putPlugin(w, r, id, http.StatusOK)
}

// putPlugin creates or replaces a plugin users own. Managed plugins cannot be created, and existing
// managed plugins cannot be replaced.
func (a *API) putPlugin(w http.ResponseWriter, r *http.Request, id string, status int) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, vs := readPluginInput(o, r.PathValue("serviceId") == "")
	if len(vs) > 0 {
		return core.Invalid(vs...)
	}
	ctx, now := r.Context(), a.now().Unix()
	var p core.GatewayPlugin
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		var serviceID *string
		switch {
		case sc.service != nil:
			serviceID = &sc.service.ID
		case in.ServiceID.HasValue():
			s, err := tx.GetService(ctx, sc.cp.Region, sc.cp.ID, in.ServiceID.Value)
			if errors.Is(err, store.ErrNotFound) {
				return core.Invalid(core.Violation{Field: "service.id", Rule: "missing_reference", Source: "body",
					Reason: fmt.Sprintf("no service with id %s exists in control plane %s", in.ServiceID.Value, sc.cp.ID)})
			}
			if err != nil {
				return err
			}
			serviceID = &s.ID
		}
		created := now
		if id == "" {
			id = uuid.NewString()
		} else {
			if err := tx.LockForUpdate(ctx, store.LockedPlugins, id); err != nil {
				return err
			}
			current, err := tx.GetPlugin(ctx, sc.cp.Region, sc.cp.ID, id)
			switch {
			case err == nil:
				if current.IsManaged() {
					return managedPluginError(ctx, tx, current)
				}
				created = current.CreatedAt
			case !errors.Is(err, store.ErrNotFound):
				return err
			default:
				taken, err := tx.PluginIDTaken(ctx, id)
				if err != nil {
					return err
				}
				if taken {
					return errorf(http.StatusConflict, "Plugin id %s is already used by a plugin of another control plane: choose another id.", id)
				}
			}
		}
		var vs []core.Violation
		p, vs = core.BuildGatewayPlugin(in, id, sc.cp.Region, sc.cp.ID, serviceID, created, now)
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		taken, err := tx.PluginNameTaken(ctx, sc.cp.ID, serviceID, p.Name, p.ID)
		if err != nil {
			return err
		}
		if taken {
			where := "globally on control plane " + sc.cp.ID
			if serviceID != nil {
				where = "on service " + *serviceID
			}
			return errorf(http.StatusConflict, "A %s plugin already runs %s: change that plugin instead of adding another.", p.Name, where)
		}
		return tx.PutPlugin(ctx, p)
	})
	if err != nil {
		return err
	}
	writeJSON(w, status, toPluginJSON(p))
	return nil
}

// deletePlugin deletes a plugin users own; as in Kong, deleting a missing plugin succeeds.
func (a *API) deletePlugin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		sc, err := entityScopeOf(ctx, tx, r)
		if err != nil {
			return err
		}
		p, err := sc.getPlugin(ctx, tx, r.PathValue("pluginId"))
		if err != nil {
			var he *httpError
			if errors.As(err, &he) && he.status == http.StatusNotFound {
				return nil
			}
			return err
		}
		if p.IsManaged() {
			return managedPluginError(ctx, tx, p)
		}
		return tx.DeletePlugin(ctx, p.Region, p.ControlPlaneID, p.ID)
	})
	return noContent(w, err)
}

// managedPluginError refuses a change to a managed plugin, naming the API whose publications own it.
func managedPluginError(ctx context.Context, tx *store.Tx, p core.GatewayPlugin) error {
	owner := ""
	if p.ManagedAPIID != nil {
		owner = " of API " + *p.ManagedAPIID
		if api, err := tx.GetAPI(ctx, p.Region, *p.ManagedAPIID); err == nil {
			owner = fmt.Sprintf(" of API %s (%s)", core.APILabel(api.Name, api.Version), api.ID)
		}
	}
	return errorf(http.StatusForbidden, "Plugin %s (%s) is managed by the publications%s and cannot be changed or deleted directly: %s.",
		p.Name, p.ID, owner, core.ManagedPluginReason)
}
