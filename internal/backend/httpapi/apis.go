package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// apiJSON is Konnect's API response.
type apiJSON struct {
	ID                    string              `json:"id"`
	Name                  string              `json:"name"`
	Description           *string             `json:"description"`
	Version               *string             `json:"version"`
	CurrentVersionSummary *struct{}           `json:"current_version_summary"`
	Slug                  string              `json:"slug"`
	APISpecIDs            []string            `json:"api_spec_ids"`
	Portals               []apiPortalJSON     `json:"portals"`
	Labels                map[string]string   `json:"labels"`
	ImplementationMode    *string             `json:"implementation_mode"`
	Attributes            map[string][]string `json:"attributes"`
	CreatedAt             string              `json:"created_at"`
	UpdatedAt             string              `json:"updated_at"`
}

// apiPortalJSON is an item of an API's portals: where it is published.
type apiPortalJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// apiView loads what an API response shows beyond the API itself: its portals and whether it is linked.
func apiView(ctx context.Context, tx *store.Tx, a core.API) (apiJSON, error) {
	views, err := apiViews(ctx, tx, []core.API{a})
	if err != nil {
		return apiJSON{}, err
	}
	return views[0], nil
}

// apiViews is apiView for a list, in a fixed number of queries whatever its length.
func apiViews(ctx context.Context, tx *store.Tx, apis []core.API) ([]apiJSON, error) {
	if len(apis) == 0 {
		return nil, nil
	}
	region := apis[0].Region
	ids := make([]string, len(apis))
	for i, a := range apis {
		ids[i] = a.ID
	}
	extras, err := tx.APIExtrasOf(ctx, region, ids)
	if err != nil {
		return nil, err
	}
	list := make([]store.APIExtras, len(apis))
	for i, a := range apis {
		list[i] = *extras[a.ID]
	}
	return apiViewsOf(apis, list), nil
}

// apiViewsOf is the answer of each of apis with its extras, extras[i] being those of apis[i].
func apiViewsOf(apis []core.API, extras []store.APIExtras) []apiJSON {
	out := make([]apiJSON, len(apis))
	for i, a := range apis {
		x := extras[i]
		var mode *string
		if x.Implemented {
			m := core.APIImplementationMode
			mode = &m
		}
		v := apiJSON{
			ID: a.ID, Name: a.Name, Description: a.Description, Version: a.Version, Slug: a.Slug,
			APISpecIDs: []string{}, Portals: []apiPortalJSON{}, Labels: a.Labels, ImplementationMode: mode,
			Attributes: a.Attributes, CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt),
		}
		if v.Labels == nil {
			v.Labels = map[string]string{}
		}
		if v.Attributes == nil {
			v.Attributes = map[string][]string{}
		}
		for _, p := range x.Portals {
			v.Portals = append(v.Portals, apiPortalJSON{ID: p.ID, Name: p.Name, DisplayName: p.DisplayName})
		}
		v.APISpecIDs = append(v.APISpecIDs, x.VersionIDs...)
		out[i] = v
	}
	return out
}

// readAPIInput reads a create or update API body. Read-only response fields are accepted and
// ignored, as the Konnect request schema lists them. spec_content, when given, is checked here and
// stored as the API's version by the caller (service.PutAPISpec).
func readAPIInput(o *object, create bool) (core.APIInput, *apiSpec, error) {
	in := core.APIInput{
		Name:        field[string](o, "name", false),
		Version:     field[string](o, "version", true),
		Description: field[string](o, "description", true),
		Slug:        field[string](o, "slug", true),
		Labels:      o.labels("labels", true),
		Attributes:  field[map[string][]string](o, "attributes", !create),
	}
	specContent := field[string](o, "spec_content", false)
	o.ignore("id", "created_at", "updated_at", "portals", "api_spec_ids", "current_version_summary", "implementation_mode")
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidateAPIInput(in, create)
	}
	if err := core.Invalid(vs...); err != nil || !specContent.HasValue() {
		return in, nil, err
	}
	spec, err := readAPISpec(specContent.Value)
	if err == nil && create && !in.Version.Set && spec.doc.Version != "" {
		in.Version = core.Val(spec.doc.Version) // as the document says: the version may come from spec_content
	}
	return in, spec, err
}

// uuidOps are the operators of Konnect's UuidFieldFilter.
var uuidOps = []string{store.OpEq, store.OpOeq, store.OpNeq}

// listParamsWithIDs is sortedListParams where idFields are id filters, which Konnect takes only
// with an operator (filter[api_id][eq]=...) and only eq, oeq and neq.
func listParamsWithIDs(r *http.Request, sortFields map[string]string, textFields, idFields []string) (store.Page, map[string]store.TextFilter, error) {
	page, filters, err := sortedListParams(r, sortFields, append(slices.Clone(textFields), idFields...)...)
	if err != nil {
		return page, nil, err
	}
	var vs []core.Violation
	for key := range r.URL.Query() {
		m := filterKey.FindStringSubmatch(key)
		if m == nil || !slices.Contains(idFields, m[1]) {
			continue
		}
		if !slices.Contains(uuidOps, m[2]) {
			v := queryViolation(key, "enum", fmt.Sprintf("filter the id field %s with an operator: filter[%s][eq], [oeq] or [neq]", m[1], m[1]))
			v.Choices = uuidOps
			vs = append(vs, v)
		}
	}
	return page, filters, core.Invalid(vs...)
}

func (a *API) listAPIs(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParamsWithIDs(r, store.APISortFields, []string{"name", "version"}, []string{"id"})
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		data  []apiJSON
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		list, extras, n, err := tx.ListAPIsWithExtras(ctx, region, store.APIFilter{ID: filters["id"], Name: filters["name"], Version: filters["version"]}, page)
		if err != nil {
			return err
		}
		data, total = apiViewsOf(list, extras), n
		return nil
	})
	return respond(w, err, http.StatusOK, newListResponse(data, page, total))
}

func (a *API) createAPI(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, spec, err := readAPIInput(o, true)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	api := core.NewAPI(in, uuid.NewString(), region, a.now())
	var out apiJSON
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := checkAPIUnique(ctx, tx, api); err != nil {
			return err
		}
		if err := tx.InsertAPI(ctx, api); err != nil {
			return err
		}
		if err := spec.store(ctx, tx, api, a.now()); err != nil {
			return err
		}
		out, err = apiView(ctx, tx, api)
		return err
	})
	return respond(w, err, http.StatusCreated, out)
}

func (a *API) getAPI(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("apiId")
	api, extras, err := a.store.GetAPIView(ctx, regionOf(r), id)
	if err != nil {
		return orNotFound(err, "API", id)
	}
	return respond(w, nil, http.StatusOK, apiViewsOf([]core.API{api}, []store.APIExtras{extras})[0])
}

func (a *API) updateAPI(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, spec, err := readAPIInput(o, false)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var out apiJSON
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedAPIs, r.PathValue("apiId")); err != nil {
			return err
		}
		current, err := getAPI(ctx, tx, region, r.PathValue("apiId"))
		if err != nil {
			return err
		}
		api := core.ApplyAPIInput(current, in, a.now())
		if err := core.Invalid(core.ValidateMergedLabels("labels", api.Labels)...); err != nil {
			return err
		}
		if err := checkAPIUnique(ctx, tx, api); err != nil {
			return err
		}
		if err := tx.UpdateAPI(ctx, api); err != nil {
			return err
		}
		if err := spec.store(ctx, tx, api, a.now()); err != nil {
			return err
		}
		out, err = apiView(ctx, tx, api)
		return err
	})
	return respond(w, err, http.StatusOK, out)
}

// deleteAPI deletes an API with its publications and its service link, and so removes the managed
// plugin that enforced its publications.
func (a *API) deleteAPI(w http.ResponseWriter, r *http.Request) error {
	ctx, region, id := r.Context(), regionOf(r), r.PathValue("apiId")
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := getAPI(ctx, tx, region, id); err != nil {
			return err
		}
		if err := tx.DeleteAPI(ctx, region, id); err != nil {
			return err
		}
		return a.reconcileKAA(ctx, tx, region, id)
	})
	return noContent(w, err)
}

func getAPI(ctx context.Context, tx *store.Tx, region, id string) (core.API, error) {
	api, err := tx.GetAPI(ctx, region, id)
	return api, orNotFound(err, "API", id)
}

// checkAPIUnique enforces the unique name + version and the unique slug of the region's APIs.
func checkAPIUnique(ctx context.Context, tx *store.Tx, api core.API) error {
	taken, err := tx.APINameTaken(ctx, api.Region, api.Name, api.Version, api.ID)
	if err != nil {
		return err
	}
	if taken {
		return errorf(http.StatusConflict, "An API named %s already exists in region %s: name and version together must be unique; change one of them.",
			core.APILabel(api.Name, api.Version), api.Region)
	}
	taken, err = tx.APISlugTaken(ctx, api.Region, api.Slug, api.ID)
	if err != nil {
		return err
	}
	if taken {
		return errorf(http.StatusConflict, "Another API of region %s already has the slug %q: set a different slug.", api.Region, api.Slug)
	}
	return nil
}

// lifecycleRoutes registers the publication lifecycle: APIs, their service links and publications,
// and the control planes with their services, plugins and nodes.
func (a *API) lifecycleRoutes() {
	a.route("/v3/apis", map[string]handlerFunc{
		http.MethodGet:  a.listAPIs,
		http.MethodPost: a.createAPI,
	})
	a.route("/v3/apis/{apiId}", map[string]handlerFunc{
		http.MethodGet:    a.getAPI,
		http.MethodPatch:  a.updateAPI,
		http.MethodDelete: a.deleteAPI,
	})
	a.route("/v3/apis/{apiId}/implementations", map[string]handlerFunc{
		http.MethodPost: a.createImplementation,
	})
	a.route("/v3/apis/{apiId}/implementations/{implementationId}", map[string]handlerFunc{
		http.MethodGet:    a.getImplementation,
		http.MethodDelete: a.deleteImplementation,
	})
	a.route("/v3/api-implementations", map[string]handlerFunc{
		http.MethodGet: a.listImplementations,
	})
	a.route("/v3/apis/{apiId}/publications/{portalId}", map[string]handlerFunc{
		http.MethodGet:    a.getPublication,
		http.MethodPut:    a.putPublication,
		http.MethodDelete: a.deletePublication,
	})
	a.route("/v3/api-publications", map[string]handlerFunc{
		http.MethodGet: a.listPublications,
	})
	a.route("/v3/portals/{portalId}/api-publications", map[string]handlerFunc{
		http.MethodGet: a.listPortalPublications,
	})
	a.route("/v2/control-planes", map[string]handlerFunc{
		http.MethodGet:  a.listControlPlanes,
		http.MethodPost: a.createControlPlane,
	})
	a.route("/v2/control-planes/{controlPlaneId}", map[string]handlerFunc{
		http.MethodGet:    a.getControlPlane,
		http.MethodPatch:  a.updateControlPlane,
		http.MethodDelete: a.deleteControlPlane,
	})
	a.kongRoute("/v2/control-planes/{controlPlaneId}/nodes", map[string]handlerFunc{
		http.MethodGet:  a.listNodes,
		http.MethodPost: a.registerNode,
	})
	a.kongRoute("/v2/control-planes/{controlPlaneId}/nodes/{nodeId}", map[string]handlerFunc{
		http.MethodGet:    a.getNode,
		http.MethodPut:    a.reportNode,
		http.MethodDelete: a.deleteNode,
	})
	a.nodeSyncRoutes()
	a.kongRoute("/v2/control-planes/{controlPlaneId}/core-entities/services", map[string]handlerFunc{
		http.MethodGet:  a.listServices,
		http.MethodPost: a.createService,
	})
	a.kongRoute("/v2/control-planes/{controlPlaneId}/core-entities/services/{serviceId}", map[string]handlerFunc{
		http.MethodGet:    a.getService,
		http.MethodPut:    a.upsertService,
		http.MethodDelete: a.deleteService,
	})
	for _, prefix := range []string{
		"/v2/control-planes/{controlPlaneId}/core-entities",
		"/v2/control-planes/{controlPlaneId}/core-entities/services/{serviceId}",
	} {
		a.kongRoute(prefix+"/routes", map[string]handlerFunc{
			http.MethodGet:  a.listRoutes,
			http.MethodPost: a.createRoute,
		})
		a.kongRoute(prefix+"/routes/{routeId}", map[string]handlerFunc{
			http.MethodGet:    a.getRoute,
			http.MethodPut:    a.upsertRoute,
			http.MethodDelete: a.deleteRoute,
		})
		a.kongRoute(prefix+"/plugins", map[string]handlerFunc{
			http.MethodGet:  a.listPlugins,
			http.MethodPost: a.createPlugin,
		})
		a.kongRoute(prefix+"/plugins/{pluginId}", map[string]handlerFunc{
			http.MethodGet:    a.getPlugin,
			http.MethodPut:    a.upsertPlugin,
			http.MethodDelete: a.deletePlugin,
		})
	}
}
