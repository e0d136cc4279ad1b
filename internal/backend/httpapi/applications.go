package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
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

func appDevJSON(v service.Application) devApplicationJSON {
	a := v.Application
	return devApplicationJSON{ID: a.ID, Name: a.Name, Description: a.Description, ClientID: a.ClientID,
		AuthStrategy: toStrategyJSON(a.AuthStrategyID, v.Strategy), CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt)}
}

func appAdminJSON(v service.Application) applicationJSON {
	a := v.Application
	labels := a.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	out := applicationJSON{ID: a.ID, CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt), Name: a.Name,
		Description: a.Description, AuthStrategy: toStrategyJSON(a.AuthStrategyID, v.Strategy), Portal: idJSON{a.PortalID},
		Labels: labels, RegistrationCount: v.Registrations, Owner: ownerJSON{Type: "developer", ID: a.DeveloperID}}
	if out.AuthStrategy.CredentialType != core.StrategyKeyAuth {
		out.ClientID = &a.ClientID
		out.DCRProvider, out.GrantedScopes = jsonNull, jsonNull
	}
	return out
}

// readDevApplication reads the developer portal's create or update application body. Team
// ownership and the OIDC fields are refused: this server issues only key-auth credentials.
func readDevApplication(o *object, create bool) (service.ApplicationInput, error) {
	in := service.ApplicationInput{
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
	vs = append(vs, service.CheckApplicationInput(in, create)...)
	return in, core.Invalid(vs...)
}

// readAdminApplication reads the admin API's create or update application body. Beyond Konnect,
// updates may also change name and labels.
func readAdminApplication(o *object, create bool) (service.ApplicationInput, error) {
	in := service.ApplicationInput{
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
	vs = append(vs, service.CheckApplicationInput(in, create)...)
	if in.Labels.HasValue() {
		vs = append(vs, core.ValidateLabels("labels", in.Labels.Value, !create)...)
	}
	return in, core.Invalid(vs...)
}

// Developer portal endpoints.

func (a *API) devListApplications(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, filters, err := listParams(r, "name", "auth_strategy_id")
	if err != nil {
		return err
	}
	data, total, err := a.svc.Applications(r.Context(), c.portal, *c.developer,
		service.ApplicationFilter{Name: filters["name"], AuthStrategyID: filters["auth_strategy_id"]}, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(data, appDevJSON), page, total))
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
	v, err := a.svc.CreateApplication(r.Context(), c.portal, *c.developer, in)
	return respond(w, err, http.StatusCreated, appDevJSON(v))
}

func (a *API) devGetApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	v, err := a.svc.Application(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"))
	return respond(w, err, http.StatusOK, appDevJSON(v))
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
	v, err := a.svc.UpdateApplication(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), in)
	return respond(w, err, http.StatusOK, appDevJSON(v))
}

func (a *API) devDeleteApplication(w http.ResponseWriter, r *http.Request, c devContext) error {
	return noContent(w, a.svc.DeleteApplication(r.Context(), c.portal, *c.developer, r.PathValue("applicationId")))
}

// Admin endpoints.

func (a *API) adminListApplications(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "name", "developer_id", "auth_strategy_id")
	if err != nil {
		return err
	}
	// An unknown portal is reported before a filter it could not have used.
	if _, err := a.svc.Portal(r.Context(), regionOf(r), r.PathValue("portalId")); err != nil {
		return err
	}
	f := service.ApplicationFilter{Name: filters["name"], AuthStrategyID: filters["auth_strategy_id"]}
	if d, ok := filters["developer_id"]; ok {
		if d.Op != store.OpEq {
			return core.Invalid(queryViolation("filter[developer_id]", "enum", "only the eq operator is supported for developer_id"))
		}
		f.DeveloperID = d.Value
	}
	data, total, err := a.svc.AdminApplications(r.Context(), regionOf(r), r.PathValue("portalId"), f, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(data, appAdminJSON), page, total))
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
	v, err := a.svc.AdminCreateApplication(r.Context(), regionOf(r), r.PathValue("portalId"), in)
	return respond(w, err, http.StatusCreated, appAdminJSON(v))
}

func (a *API) adminGetApplication(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.AdminApplication(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"))
	return respond(w, err, http.StatusOK, appAdminJSON(v))
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
	v, err := a.svc.AdminUpdateApplication(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), in)
	return respond(w, err, http.StatusOK, appAdminJSON(v))
}

func (a *API) adminDeleteApplication(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.svc.AdminDeleteApplication(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId")))
}
