package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// strategyJSON is the auth_strategy of an application, in the key-auth or client-credentials
// shape of the portal documents.
type strategyJSON struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	CredentialType string           `json:"credential_type"`
	KeyNames       []string         `json:"key_names,omitempty"`
	TTL            *core.KeyAuthTTL `json:"ttl,omitempty"`
	AuthMethods    []string         `json:"auth_methods,omitempty"`
}

// devApplicationJSON is the developer portal's application.
type devApplicationJSON struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Description  *string      `json:"description"`
	ClientID     string       `json:"client_id"`
	AuthStrategy strategyJSON `json:"auth_strategy"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
}

// applicationJSON is the admin API's application: the document's key-auth shape, or its
// client-credentials shape, which adds client_id, dcr_provider and granted_scopes.
type applicationJSON struct {
	ID                string            `json:"id"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at"`
	Name              string            `json:"name"`
	Description       *string           `json:"description"`
	AuthStrategy      strategyJSON      `json:"auth_strategy"`
	Portal            idJSON            `json:"portal"`
	Labels            map[string]string `json:"labels"`
	RegistrationCount int               `json:"registration_count"`
	Owner             ownerJSON         `json:"owner"`
	ClientID          *string           `json:"client_id,omitempty"`
	// DCRProvider and GrantedScopes are JSON null in the client-credentials shape (no dynamic
	// client registration here) and absent in the key-auth one, which allows no other fields.
	DCRProvider   json.RawMessage `json:"dcr_provider,omitempty"`
	GrantedScopes json.RawMessage `json:"granted_scopes,omitempty"`
}

type idJSON struct {
	ID string `json:"id"`
}

type ownerJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func toStrategyJSON(id string, s *core.AuthStrategy) strategyJSON {
	if s == nil {
		// The strategy was deleted after the application was made.
		return strategyJSON{ID: id, CredentialType: core.StrategyKeyAuth, KeyNames: []string{}}
	}
	if s.StrategyType == core.StrategyKeyAuth {
		return strategyJSON{ID: s.ID, Name: s.DisplayName, CredentialType: core.StrategyKeyAuth,
			KeyNames: nonNilStrings(s.KeyAuth.KeyNames), TTL: s.KeyAuth.TTL}
	}
	var methods []string
	if raw, ok := s.OpenIDConnect["auth_methods"].([]any); ok {
		for _, m := range raw {
			if str, ok := m.(string); ok {
				methods = append(methods, str)
			}
		}
	}
	return strategyJSON{ID: s.ID, Name: s.DisplayName, CredentialType: "client_credentials", AuthMethods: nonNilStrings(methods)}
}

// jsonNull is the JSON null of fields that must be present and empty.
var jsonNull = json.RawMessage("null")

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// appView is an application with what its JSON shows besides its own fields.
type appView struct {
	app           core.Application
	strategy      *core.AuthStrategy
	registrations int
}

func (v appView) devJSON() devApplicationJSON {
	a := v.app
	return devApplicationJSON{ID: a.ID, Name: a.Name, Description: a.Description, ClientID: a.ClientID,
		AuthStrategy: toStrategyJSON(a.AuthStrategyID, v.strategy), CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt)}
}

func (v appView) adminJSON() applicationJSON {
	a := v.app
	labels := a.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	out := applicationJSON{ID: a.ID, CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt), Name: a.Name,
		Description: a.Description, AuthStrategy: toStrategyJSON(a.AuthStrategyID, v.strategy), Portal: idJSON{a.PortalID},
		Labels: labels, RegistrationCount: v.registrations, Owner: ownerJSON{Type: "developer", ID: a.DeveloperID}}
	if out.AuthStrategy.CredentialType != core.StrategyKeyAuth {
		out.ClientID = &a.ClientID
		out.DCRProvider, out.GrantedScopes = jsonNull, jsonNull
	}
	return out
}

func viewApplication(ctx context.Context, tx *store.Tx, a core.Application) (appView, error) {
	v := appView{app: a}
	s, err := tx.GetAuthStrategy(ctx, a.Region, a.AuthStrategyID)
	switch {
	case err == nil:
		v.strategy = &s
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	v.registrations, err = tx.CountApplicationRegistrations(ctx, a.ID)
	return v, err
}

// applicationInput is a create or update application body, from either API.
type applicationInput struct {
	Name           core.Field[string]
	Description    core.Field[string]
	AuthStrategyID core.Field[string]
	ClientID       core.Field[string]
	Labels         core.Field[map[string]*string]
	OwnerID        core.Field[string]
}

// readDevApplication reads the developer portal's create or update application body. Team
// ownership and the OIDC fields are refused: this server issues only key-auth credentials.
func readDevApplication(o *object, create bool) (applicationInput, error) {
	in := applicationInput{
		Name:        field[string](o, "name", false),
		Description: field[string](o, "description", true),
		ClientID:    field[string](o, "client_id", false),
	}
	if create {
		in.AuthStrategyID = field[string](o, "auth_strategy_id", true)
	}
	var vs []core.Violation
	for _, name := range []string{"redirect_uri", "scopes", "team_id"} {
		if raw, ok := o.take(name); ok && !isNull(raw) {
			vs = append(vs, core.InvalidViolation(name, fmt.Sprintf("%q is not supported by this server; leave it out", name)))
		}
	}
	vs = append(o.finish(), vs...)
	vs = append(vs, checkApplicationInput(in, create)...)
	return in, core.Invalid(vs...)
}

// readAdminApplication reads the admin API's create or update application body. Beyond Konnect,
// updates may also change name and labels.
func readAdminApplication(o *object, create bool) (applicationInput, error) {
	in := applicationInput{
		Name:   field[string](o, "name", false),
		Labels: o.labels("labels", true),
	}
	var vs []core.Violation
	if create {
		in.AuthStrategyID = field[string](o, "auth_strategy_id", false)
		in.ClientID = field[string](o, "client_id", false)
		if raw, ok := o.take("dcr_client_id"); ok && !isNull(raw) {
			vs = append(vs, core.InvalidViolation("dcr_client_id", "dynamic client registration is not supported by this server; leave it out"))
		}
	}
	if owner, _ := o.child("owner", false); owner != nil {
		typ := field[string](owner, "type", false)
		in.OwnerID = field[string](owner, "id", false)
		switch {
		case !typ.HasValue():
			vs = append(vs, core.RequiredViolation("owner.type"))
		case typ.Value != "developer":
			v := core.EnumViolation("owner.type", "developer")
			v.Reason = "only developers can own applications on this server; teams are not supported"
			vs = append(vs, v)
		}
		if !in.OwnerID.HasValue() {
			vs = append(vs, core.RequiredViolation("owner.id"))
		}
	} else if create {
		vs = append(vs, core.RequiredViolation("owner"))
	}
	vs = append(o.finish(), vs...)
	vs = append(vs, checkApplicationInput(in, create)...)
	if in.Labels.HasValue() {
		vs = append(vs, core.ValidateLabels("labels", in.Labels.Value, !create)...)
	}
	return in, core.Invalid(vs...)
}

func checkApplicationInput(in applicationInput, create bool) []core.Violation {
	var vs []core.Violation
	switch {
	case in.Name.HasValue():
		vs = append(vs, core.CheckName("name", in.Name.Value, core.ApplicationNameMax)...)
	case create && !in.Name.Set:
		vs = append(vs, core.RequiredViolation("name"))
	}
	if in.Description.HasValue() {
		vs = append(vs, core.CheckOptionalText("description", in.Description.Value, core.ApplicationDescriptionMax)...)
	}
	if in.ClientID.HasValue() {
		vs = append(vs, core.CheckName("client_id", in.ClientID.Value, core.ApplicationNameMax)...)
	}
	if in.AuthStrategyID.HasValue() && !core.IsUUID(in.AuthStrategyID.Value) {
		vs = append(vs, core.UUIDViolation("auth_strategy_id"))
	}
	return vs
}

// newApplication builds a new application of developerID from a valid input, resolving the auth
// strategy: the one given, else the portal's default.
func (a *API) newApplication(ctx context.Context, tx *store.Tx, p core.Portal, developerID string, in applicationInput) (core.Application, error) {
	if err := checkApplicationLimit(ctx, tx, developerID); err != nil {
		return core.Application{}, err
	}
	strategyID := ""
	switch {
	case in.AuthStrategyID.HasValue():
		strategyID = in.AuthStrategyID.Value
	case p.DefaultApplicationAuthStrategyID != nil:
		strategyID = *p.DefaultApplicationAuthStrategyID
	default:
		return core.Application{}, core.Invalid(core.Violation{Field: "auth_strategy_id", Rule: "required", Source: "body",
			Reason: "the portal has no default application auth strategy: give auth_strategy_id"})
	}
	if _, err := tx.GetAuthStrategy(ctx, p.Region, strategyID); errors.Is(err, store.ErrNotFound) {
		return core.Application{}, core.Invalid(core.Violation{Field: "auth_strategy_id", Rule: "missing_reference", Source: "body",
			Reason: fmt.Sprintf("no application auth strategy with id %s exists in region %s", strategyID, p.Region)})
	} else if err != nil {
		return core.Application{}, err
	}
	clientID := in.ClientID.Value
	if in.ClientID.HasValue() {
		if err := checkClientIDFree(ctx, tx, p.Region, clientID); err != nil {
			return core.Application{}, err
		}
	} else {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return core.Application{}, err
		}
		clientID = hex.EncodeToString(b[:])
	}
	now := a.now()
	app := core.Application{
		ID: uuid.NewString(), Region: p.Region, PortalID: p.ID, DeveloperID: developerID, Name: in.Name.Value,
		AuthStrategyID: strategyID, ClientID: clientID, CreatedAt: now, UpdatedAt: now,
	}
	if in.Description.HasValue() {
		app.Description = &in.Description.Value
	}
	if in.Labels.HasValue() {
		app.Labels = core.CreateLabels(in.Labels.Value)
	}
	return app, tx.InsertApplication(ctx, app)
}

// checkApplicationLimit refuses a new application, or a change of owner, that would give
// developerID more than core.MaxApplicationsPerDeveloper applications.
func checkApplicationLimit(ctx context.Context, tx *store.Tx, developerID string) error {
	n, err := tx.CountDeveloperApplications(ctx, developerID)
	if err != nil || n < core.MaxApplicationsPerDeveloper {
		return err
	}
	return errorf(http.StatusConflict, "Developer %s already owns %d applications, the most one developer may own: "+
		"delete one that is no longer needed (or, as an administrator, give one to another developer) before adding another.",
		developerID, n)
}

// checkClientIDFree refuses a client_id that another application of the region already has.
func checkClientIDFree(ctx context.Context, tx *store.Tx, region, clientID string) error {
	_, err := tx.ApplicationWithClientID(ctx, region, clientID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return errorf(http.StatusConflict, "client_id %q is already used by another application in region %s: "+
		"choose another client_id, or leave it out to have one generated.", clientID, region)
}

func applyApplicationInput(app core.Application, in applicationInput) core.Application {
	if in.Name.HasValue() {
		app.Name = in.Name.Value
	}
	if in.Description.Set {
		if in.Description.Null {
			app.Description = nil
		} else {
			v := in.Description.Value
			app.Description = &v
		}
	}
	if in.Labels.Set {
		if in.Labels.Null {
			app.Labels = nil
		} else {
			app.Labels = core.MergeLabels(app.Labels, in.Labels.Value)
		}
	}
	if in.OwnerID.HasValue() {
		app.DeveloperID = in.OwnerID.Value
	}
	return app
}

// getApplication returns an application of the portal; with developer set, only one that
// developer owns, so that other developers' applications are indistinguishable from missing ones.
func getApplication(ctx context.Context, tx *store.Tx, region, portalID, id string, developer *core.Developer) (core.Application, error) {
	app, err := tx.GetApplication(ctx, region, portalID, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && developer != nil && app.DeveloperID != developer.ID) {
		return core.Application{}, notFound("Application", id)
	}
	return app, err
}

// pathApplication returns the application that the request path names. An admin request
// (developer nil) names the portal in its path too, so an unknown portal is reported as such
// rather than as a missing application; a developer's portal comes from the session.
func pathApplication(ctx context.Context, tx *store.Tx, r *http.Request, portalID string, developer *core.Developer) (core.Application, error) {
	if developer == nil {
		if _, err := getPortal(ctx, tx, regionOf(r), portalID); err != nil {
			return core.Application{}, err
		}
	}
	return getApplication(ctx, tx, regionOf(r), portalID, r.PathValue("applicationId"), developer)
}

// Developer portal endpoints.

func (a *API) devListApplications(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, filters, err := listParams(r, "name", "auth_strategy_id")
	if err != nil {
		return err
	}
	data, total, err := a.listApplications(r, c.portal.ID, store.ApplicationFilter{
		DeveloperID: c.developer.ID, Name: filters["name"], AuthStrategyID: filters["auth_strategy_id"]}, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(data, appView.devJSON), page, total))
}

func (a *API) listApplications(r *http.Request, portalID string, f store.ApplicationFilter, page store.Page) ([]appView, int, error) {
	ctx := r.Context()
	var (
		views []appView
		total int
	)
	err := a.store.View(ctx, func(tx *store.Tx) error {
		apps, n, err := tx.ListApplications(ctx, regionOf(r), portalID, f, page)
		if err != nil {
			return err
		}
		total = n
		for _, app := range apps {
			v, err := viewApplication(ctx, tx, app)
			if err != nil {
				return err
			}
			views = append(views, v)
		}
		return nil
	})
	return views, total, err
}

func (a *API) devCreateApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readDevApplication(o, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var v appView
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := checkDeveloperStrategy(ctx, tx, c.portal, in); err != nil {
			return err
		}
		app, err := a.newApplication(ctx, tx, c.portal, c.developer.ID, in)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return respond(w, err, http.StatusCreated, v.devJSON())
}

// checkDeveloperStrategy refuses, in a developer's words, an application whose strategy no API of the
// developer's portal uses: strategies of other portals are not the developer's to use or to probe.
// Without auth_strategy_id, the portal's default strategy applies.
func checkDeveloperStrategy(ctx context.Context, tx *store.Tx, p core.Portal, in applicationInput) error {
	if !in.AuthStrategyID.HasValue() {
		if p.DefaultApplicationAuthStrategyID == nil {
			return core.Invalid(core.Violation{Field: "auth_strategy_id", Rule: "required", Source: "body",
				Reason: "give auth_strategy_id: use the auth strategy of the API you want to register with (see GET /api/v3/apis)"})
		}
		return nil
	}
	offered, err := tx.PortalOffersAuthStrategy(ctx, p.Region, p.ID, in.AuthStrategyID.Value)
	if err != nil {
		return err
	}
	if !offered {
		return core.Invalid(core.Violation{Field: "auth_strategy_id", Rule: "invalid", Source: "body",
			Reason: "no API of this portal uses this auth strategy: use the auth strategy of the API you want to register with (see GET /api/v3/apis)"})
	}
	return nil
}

func (a *API) devGetApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	v, err := a.viewOne(r, c.portal.ID, c.developer)
	return respond(w, err, http.StatusOK, v.devJSON())
}

func (a *API) viewOne(r *http.Request, portalID string, developer *core.Developer) (appView, error) {
	ctx := r.Context()
	var v appView
	err := a.store.View(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, regionOf(r), portalID, r.PathValue("applicationId"), developer)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return v, err
}

func (a *API) devUpdateApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readDevApplication(o, false)
	if err != nil {
		return err
	}
	v, err := a.updateApplication(r, c.portal.ID, c.developer, in)
	return respond(w, err, http.StatusOK, v.devJSON())
}

func (a *API) updateApplication(r *http.Request, portalID string, developer *core.Developer, in applicationInput) (appView, error) {
	ctx, region := r.Context(), regionOf(r)
	var v appView
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, region, portalID, r.PathValue("applicationId"), developer)
		if err != nil {
			return err
		}
		if err := core.Invalid(core.CheckClientIDUnchanged(app.ClientID, in.ClientID)...); err != nil {
			return err
		}
		if in.OwnerID.HasValue() {
			if _, err := tx.GetDeveloper(ctx, region, portalID, in.OwnerID.Value); errors.Is(err, store.ErrNotFound) {
				return ownerMissing(in.OwnerID.Value, portalID)
			} else if err != nil {
				return err
			}
			if in.OwnerID.Value != app.DeveloperID {
				if err := checkApplicationLimit(ctx, tx, in.OwnerID.Value); err != nil {
					return err
				}
			}
		}
		app = applyApplicationInput(app, in)
		if err := core.Invalid(core.ValidateMergedLabels("labels", app.Labels)...); err != nil {
			return err
		}
		app.UpdatedAt = a.now()
		if err := tx.UpdateApplication(ctx, app); err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return v, err
}

func ownerMissing(id, portalID string) error {
	return core.Invalid(core.Violation{Field: "owner.id", Rule: "missing_reference", Source: "body",
		Reason: fmt.Sprintf("no developer with id %s exists on portal %s", id, portalID)})
}

func (a *API) devDeleteApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	return a.deleteApplication(w, r, c.portal.ID, c.developer)
}

func (a *API) deleteApplication(w http.ResponseWriter, r *http.Request, portalID string, developer *core.Developer) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, region, portalID, r.PathValue("applicationId"), developer)
		if err != nil {
			return err
		}
		return tx.DeleteApplication(ctx, region, portalID, app.ID)
	})
	return noContent(w, err)
}

// Admin endpoints.

func (a *API) adminListApplications(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "name", "developer_id", "auth_strategy_id")
	if err != nil {
		return err
	}
	portalID := r.PathValue("portalId")
	if err := a.portalExists(r, portalID); err != nil {
		return err
	}
	f := store.ApplicationFilter{Name: filters["name"], AuthStrategyID: filters["auth_strategy_id"]}
	if d, ok := filters["developer_id"]; ok {
		if d.Op != store.OpEq {
			return core.Invalid(queryViolation("filter[developer_id]", "enum", "only the eq operator is supported for developer_id"))
		}
		f.DeveloperID = d.Value
	}
	data, total, err := a.listApplications(r, portalID, f, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(data, appView.adminJSON), page, total))
}

func (a *API) portalExists(r *http.Request, portalID string) error {
	return a.store.View(r.Context(), func(tx *store.Tx) error {
		_, err := getPortal(r.Context(), tx, regionOf(r), portalID)
		return err
	})
}

func (a *API) adminCreateApplication(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAdminApplication(o, true)
	if err != nil {
		return err
	}
	ctx, region, portalID := r.Context(), regionOf(r), r.PathValue("portalId")
	var v appView
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		if !p.AuthenticationEnabled {
			return errorf(http.StatusForbidden, "Portal %s does not have user authentication enabled, so it has no applications: "+
				"enable authentication_enabled first.", p.ID)
		}
		if _, err := tx.GetDeveloper(ctx, region, portalID, in.OwnerID.Value); errors.Is(err, store.ErrNotFound) {
			return ownerMissing(in.OwnerID.Value, portalID)
		} else if err != nil {
			return err
		}
		app, err := a.newApplication(ctx, tx, p, in.OwnerID.Value, in)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return respond(w, err, http.StatusCreated, v.adminJSON())
}

func (a *API) adminGetApplication(w http.ResponseWriter, r *http.Request) error {
	portalID := r.PathValue("portalId")
	if err := a.portalExists(r, portalID); err != nil {
		return err
	}
	v, err := a.viewOne(r, portalID, nil)
	return respond(w, err, http.StatusOK, v.adminJSON())
}

func (a *API) adminUpdateApplication(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in, err := readAdminApplication(o, false)
	if err != nil {
		return err
	}
	portalID := r.PathValue("portalId")
	if err := a.portalExists(r, portalID); err != nil {
		return err
	}
	v, err := a.updateApplication(r, portalID, nil, in)
	return respond(w, err, http.StatusOK, v.adminJSON())
}

func (a *API) adminDeleteApplication(w http.ResponseWriter, r *http.Request) error {
	portalID := r.PathValue("portalId")
	if err := a.portalExists(r, portalID); err != nil {
		return err
	}
	return a.deleteApplication(w, r, portalID, nil)
}
