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

// controlPlaneJSON is Konnect's control plane shape.
type controlPlaneJSON struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description *string            `json:"description"`
	Labels      map[string]string  `json:"labels"`
	Config      controlPlaneConfig `json:"config"`
	CreatedAt   string             `json:"created_at"`
	UpdatedAt   string             `json:"updated_at"`
}

type controlPlaneConfig struct {
	ControlPlaneEndpoint string          `json:"control_plane_endpoint"`
	TelemetryEndpoint    string          `json:"telemetry_endpoint"`
	ClusterType          string          `json:"cluster_type"`
	AuthType             string          `json:"auth_type"`
	CloudGateway         bool            `json:"cloud_gateway"`
	ProxyURLs            []core.ProxyURL `json:"proxy_urls"`
}

func toControlPlaneJSON(cp core.ControlPlane) controlPlaneJSON {
	cpEndpoint, tpEndpoint := core.ControlPlaneEndpoints(cp)
	labels := cp.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	proxies := cp.ProxyURLs
	if proxies == nil {
		proxies = []core.ProxyURL{}
	}
	return controlPlaneJSON{
		ID: cp.ID, Name: cp.Name, Description: cp.Description, Labels: labels,
		Config: controlPlaneConfig{
			ControlPlaneEndpoint: cpEndpoint, TelemetryEndpoint: tpEndpoint,
			ClusterType: core.ControlPlaneClusterType, AuthType: cp.AuthType, ProxyURLs: proxies,
		},
		CreatedAt: formatTime(cp.CreatedAt), UpdatedAt: formatTime(cp.UpdatedAt),
	}
}

// readControlPlaneInput reads a create or update control plane body; cluster_type and
// cloud_gateway are accepted on create only, and only with the values this server offers.
func readControlPlaneInput(o *object, create bool) (core.ControlPlaneInput, error) {
	in := core.ControlPlaneInput{
		Name:        field[string](o, "name", false),
		Description: field[string](o, "description", true),
		Labels:      o.labels("labels", true),
		AuthType:    field[string](o, "auth_type", false),
		ProxyURLs:   field[[]core.ProxyURL](o, "proxy_urls", true),
	}
	if create {
		in.ClusterType = field[string](o, "cluster_type", false)
		in.CloudGateway = field[bool](o, "cloud_gateway", false)
	}
	o.ignore("id", "created_at", "updated_at", "config")
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidateControlPlaneInput(in, create)
	}
	return in, core.Invalid(vs...)
}

func (a *API) listControlPlanes(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "name")
	if err != nil {
		return err
	}
	var (
		list  []core.ControlPlane
		total int
	)
	err = a.store.View(r.Context(), func(tx *store.Tx) error {
		list, total, err = tx.ListControlPlanes(r.Context(), regionOf(r), store.ControlPlaneFilter{Name: filters["name"]}, page)
		return err
	})
	return respond(w, err, http.StatusOK, newListResponse(mapEach(list, toControlPlaneJSON), page, total))
}

func (a *API) createControlPlane(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readControlPlaneInput(o, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	cp := core.NewControlPlane(in, uuid.NewString(), regionOf(r), a.now())
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := checkControlPlaneName(ctx, tx, cp); err != nil {
			return err
		}
		return tx.InsertControlPlane(ctx, cp)
	})
	return respond(w, err, http.StatusCreated, toControlPlaneJSON(cp))
}

func (a *API) getControlPlane(w http.ResponseWriter, r *http.Request) error {
	var cp core.ControlPlane
	err := a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		cp, err = getControlPlane(r.Context(), tx, regionOf(r), r.PathValue("controlPlaneId"))
		return err
	})
	return respond(w, err, http.StatusOK, toControlPlaneJSON(cp))
}

func (a *API) updateControlPlane(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readControlPlaneInput(o, false)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var cp core.ControlPlane
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedControlPlanes, r.PathValue("controlPlaneId")); err != nil {
			return err
		}
		current, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		cp = core.ApplyControlPlaneInput(current, in, a.now())
		if err := core.Invalid(core.ValidateMergedLabels("labels", cp.Labels)...); err != nil {
			return err
		}
		if err := checkControlPlaneName(ctx, tx, cp); err != nil {
			return err
		}
		return tx.UpdateControlPlane(ctx, cp)
	})
	return respond(w, err, http.StatusOK, toControlPlaneJSON(cp))
}

// deleteControlPlane deletes a control plane with its services, plugins and nodes. It is refused
// (409) while an API is linked to one of its services.
func (a *API) deleteControlPlane(w http.ResponseWriter, r *http.Request) error {
	ctx, region, id := r.Context(), regionOf(r), r.PathValue("controlPlaneId")
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, id)
		if err != nil {
			return err
		}
		links, err := tx.ImplementationsOfControlPlane(ctx, region, id)
		if err != nil {
			return err
		}
		if len(links) > 0 {
			var users []string
			for _, l := range links {
				api, err := tx.GetAPI(ctx, region, l.APIID)
				if err != nil {
					return err
				}
				users = append(users, fmt.Sprintf("API %s (%s) is linked to service %s", core.APILabel(api.Name, api.Version), api.ID, l.ServiceID))
			}
			return errorf(http.StatusConflict, "Control plane %q (%s) serves linked APIs: %s. Remove those service links (DELETE /v3/apis/{apiId}/implementations/{id}) first.",
				cp.Name, cp.ID, strings.Join(users, "; "))
		}
		return tx.DeleteControlPlane(ctx, region, id)
	})
	return noContent(w, err)
}

func getControlPlane(ctx context.Context, tx *store.Tx, region, id string) (core.ControlPlane, error) {
	cp, err := tx.GetControlPlane(ctx, region, id)
	return cp, orNotFound(err, "Control plane", id)
}

func checkControlPlaneName(ctx context.Context, tx *store.Tx, cp core.ControlPlane) error {
	taken, err := tx.ControlPlaneNameTaken(ctx, cp.Region, cp.Name, cp.ID)
	if err != nil {
		return err
	}
	if taken {
		return errorf(http.StatusConflict, "A control plane named %q already exists in region %s: choose another name.", cp.Name, cp.Region)
	}
	return nil
}
