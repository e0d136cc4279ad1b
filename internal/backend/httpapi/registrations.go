package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// devRegistrationJSON is the developer portal's registration. suspended_reason goes beyond
// Konnect: it appears only while the registration grants no access whatever its status,
// because the API's publication no longer accepts the application's auth strategy.
type devRegistrationJSON struct {
	ID              string `json:"id"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	Status          string `json:"status"`
	SuspendedReason string `json:"suspended_reason,omitempty"`
	APIName         string `json:"api_name"`
	APIID           string `json:"api_id"`
	APISlug         string `json:"api_slug"`
	ApplicationID   string `json:"application_id"`
}

// registrationJSON is the admin API's application registration, with suspended_reason as in
// devRegistrationJSON.
type registrationJSON struct {
	ID              string              `json:"id"`
	CreatedAt       string              `json:"created_at"`
	UpdatedAt       string              `json:"updated_at"`
	Status          string              `json:"status"`
	SuspendedReason string              `json:"suspended_reason,omitempty"`
	API             registrationAPIJSON `json:"api"`
	Application     registrationAppJSON `json:"application"`
}

type registrationAPIJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Version    *string `json:"version"`
	EntityType string  `json:"entity_type"`
}

type registrationAppJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func toDevRegistrationJSON(r service.Registration) devRegistrationJSON {
	return devRegistrationJSON{ID: r.ID, CreatedAt: formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
		Status: string(r.Status), SuspendedReason: r.SuspendedReason(), APIName: r.APIName, APIID: r.APIID,
		APISlug: r.APISlug, ApplicationID: r.ApplicationID}
}

func toRegistrationJSON(r service.Registration) registrationJSON {
	return registrationJSON{ID: r.ID, CreatedAt: formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt), Status: string(r.Status),
		SuspendedReason: r.SuspendedReason(),
		API:             registrationAPIJSON{ID: r.APIID, Name: r.APIName, Version: r.APIVersion, EntityType: "api"},
		Application:     registrationAppJSON{ID: r.ApplicationID, Name: r.ApplicationName}}
}

// readRegistrationInput reads a create registration body; admins may also give the status.
func readRegistrationInput(o *object, admin bool) (apiID string, status core.RegistrationStatus, err error) {
	api := field[string](o, "api_id", false)
	var st core.Field[string]
	if admin {
		st = field[string](o, "status", false)
	}
	vs := append(o.finish(), service.CheckAPIID(api)...)
	if st.HasValue() {
		if status, err = core.ParseRegistrationStatus(st.Value); err != nil {
			v := core.EnumViolation("status", "approved", "pending", "rejected", "revoked")
			v.Reason = err.Error()
			vs = append(vs, v)
		}
	}
	return api.Value, status, core.Invalid(vs...)
}

// Developer portal endpoints.

func (a *API) devListRegistrations(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, filters, err := listParams(r, "id", "status", "api_name")
	if err != nil {
		return err
	}
	regs, total, err := a.svc.Registrations(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"),
		service.RegistrationFilter{ID: filters["id"], Status: filters["status"], APIName: filters["api_name"]}, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(regs, toDevRegistrationJSON), page, total))
}

func (a *API) devCreateRegistration(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	apiID, _, err := readRegistrationInput(o, false)
	if err != nil {
		return err
	}
	reg, err := a.svc.CreateRegistration(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), apiID)
	return respond(w, err, http.StatusCreated, toDevRegistrationJSON(reg))
}

func (a *API) devGetRegistration(w http.ResponseWriter, r *http.Request, c devContext) error {
	reg, err := a.svc.Registration(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"), r.PathValue("registrationId"))
	return respond(w, err, http.StatusOK, toDevRegistrationJSON(reg))
}

func (a *API) devDeleteRegistration(w http.ResponseWriter, r *http.Request, c devContext) error {
	return noContent(w, a.svc.DeleteRegistration(r.Context(), c.portal, *c.developer, r.PathValue("applicationId"),
		r.PathValue("registrationId")))
}

// Admin endpoints.

func (a *API) adminListApplicationRegistrations(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "status")
	if err != nil {
		return err
	}
	return a.writeRegistrationList(w, r, service.RegistrationFilter{Status: filters["status"]}, page)
}

// adminListPortalRegistrations lists a portal's registrations. Beyond Konnect's developer_id,
// application_name and status filters it accepts application_id, api_id and
// application_auth_strategy_id (the strategy of the registration's application), with which a
// client counts the registrations a change of a publication's strategy would suspend.
func (a *API) adminListPortalRegistrations(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "developer_id", "application_name", "status", "application_id", "api_id",
		"application_auth_strategy_id")
	if err != nil {
		return err
	}
	f := service.RegistrationFilter{DeveloperID: filters["developer_id"], ApplicationName: filters["application_name"],
		Status: filters["status"], APIID: filters["api_id"], ApplicationAuthStrategyID: filters["application_auth_strategy_id"]}
	if app, ok := filters["application_id"]; ok {
		if app.Op != store.OpEq {
			return core.Invalid(queryViolation("filter[application_id]", "enum", "only the eq operator is supported for application_id"))
		}
		f.ApplicationID = app.Value
	}
	return a.writeRegistrationList(w, r, f, page)
}

// writeRegistrationList answers with the registrations of the path's application, or of the whole
// portal when the path names none.
func (a *API) writeRegistrationList(w http.ResponseWriter, r *http.Request, f service.RegistrationFilter, page store.Page) error {
	regs, total, err := a.svc.AdminRegistrations(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), f, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(regs, toRegistrationJSON), page, total))
}

// adminCreateRegistration registers an application; an explicit status overrides the
// auto-approval settings.
func (a *API) adminCreateRegistration(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	apiID, status, err := readRegistrationInput(o, true)
	if err != nil {
		return err
	}
	reg, err := a.svc.AdminCreateRegistration(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"), apiID, status)
	return respond(w, err, http.StatusCreated, toRegistrationJSON(reg))
}

func (a *API) adminGetRegistration(w http.ResponseWriter, r *http.Request) error {
	reg, err := a.svc.AdminRegistration(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"),
		r.PathValue("registrationId"))
	return respond(w, err, http.StatusOK, toRegistrationJSON(reg))
}

// adminUpdateRegistration approves, rejects, revokes or resets a registration.
func (a *API) adminUpdateRegistration(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	st := field[string](o, "status", false)
	vs := o.finish()
	var status core.RegistrationStatus
	if st.HasValue() {
		if status, err = core.ParseRegistrationStatus(st.Value); err != nil {
			v := core.EnumViolation("status", "approved", "pending", "revoked", "rejected")
			v.Reason = err.Error()
			vs = append(vs, v)
		}
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	reg, err := a.svc.AdminUpdateRegistration(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"),
		r.PathValue("registrationId"), status)
	return respond(w, err, http.StatusOK, toRegistrationJSON(reg))
}

func (a *API) adminDeleteRegistration(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.svc.AdminDeleteRegistration(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("applicationId"),
		r.PathValue("registrationId")))
}
