package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
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

func toDevRegistrationJSON(r store.Registration) devRegistrationJSON {
	return devRegistrationJSON{ID: r.ID, CreatedAt: formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
		Status: string(r.Status), SuspendedReason: r.SuspendedReason(), APIName: r.APIName, APIID: r.APIID,
		APISlug: r.APISlug, ApplicationID: r.ApplicationID}
}

func toRegistrationJSON(r store.Registration) registrationJSON {
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
	vs := o.finish()
	switch {
	case !api.Set:
		vs = append(vs, core.RequiredViolation("api_id"))
	case api.HasValue() && !core.IsUUID(api.Value):
		vs = append(vs, core.UUIDViolation("api_id"))
	}
	if st.HasValue() {
		if status, err = core.ParseRegistrationStatus(st.Value); err != nil {
			v := core.EnumViolation("status", "approved", "pending", "rejected", "revoked")
			v.Reason = err.Error()
			vs = append(vs, v)
		}
	}
	return api.Value, status, core.Invalid(vs...)
}

// register registers app with an API published to its portal, when the rules allow it. A
// developer's refusals name nothing the developer cannot see (settings, nodes, other ids).
func (a *API) register(ctx context.Context, tx *store.Tx, p core.Portal, app core.Application, apiID string,
	explicit core.RegistrationStatus, developer bool) (store.Registration, error) {
	pub, err := tx.GetPublication(ctx, p.Region, apiID, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		if developer {
			return store.Registration{}, errorf(http.StatusNotFound, "API %s is not available on this portal.", apiID)
		}
		return store.Registration{}, errorf(http.StatusNotFound, "API %s is not published to portal %s.", apiID, p.ID)
	}
	if err != nil {
		return store.Registration{}, err
	}
	in := core.RegistrationEligibilityInput{PortalAuthenticationEnabled: p.AuthenticationEnabled, Published: true,
		ApplicationAuthStrategyID: app.AuthStrategyID}
	if pub.AuthStrategyID != nil {
		in.PublicationAuthStrategyIDs = []string{*pub.AuthStrategyID}
	}
	if err := core.CheckRegistrationEligibility(in); err != nil {
		var refused *core.RegistrationRefusedError
		if developer && errors.As(err, &refused) {
			return store.Registration{}, core.Invalid(core.InvalidViolation("api_id", refused.DeveloperMessage()))
		}
		return store.Registration{}, core.Invalid(core.InvalidViolation("api_id", err.Error()))
	}
	if err := checkGatewayEnforces(ctx, tx, p.Region, apiID); err != nil {
		var invalid *core.ValidationError
		if developer && errors.As(err, &invalid) {
			return store.Registration{}, core.Invalid(core.InvalidViolation("api_id",
				"the API does not take application registrations at the moment; try again later or ask the portal's administrators"))
		}
		return store.Registration{}, err
	}
	now := a.now()
	reg := store.Registration{ID: uuid.NewString(), Region: p.Region, PortalID: p.ID, ApplicationID: app.ID, APIID: apiID,
		Status: core.InitialRegistrationStatus(core.RegistrationApprovalInput{Explicit: explicit,
			PortalAutoApproveApplications: p.AutoApproveApplications, PublicationAutoApproveRegistrations: pub.AutoApproveRegistrations}),
		CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertRegistration(ctx, reg); errors.Is(err, store.ErrConflict) {
		return store.Registration{}, errorf(http.StatusConflict,
			"Application %s is already registered with API %s: update or delete that registration.", app.ID, apiID)
	} else if err != nil {
		return store.Registration{}, err
	}
	return tx.GetRegistration(ctx, p.Region, app.ID, reg.ID)
}

// checkGatewayEnforces refuses registrations for an API that no gateway could protect: one not
// linked to a gateway service, or whose control plane has a node older than 3.6.
func checkGatewayEnforces(ctx context.Context, tx *store.Tx, region, apiID string) error {
	im, err := tx.ImplementationOfAPI(ctx, region, apiID)
	if errors.Is(err, store.ErrNotFound) {
		return core.Invalid(core.InvalidViolation("api_id",
			"the API is not linked to a gateway service, so no gateway would enforce its keys; link a service to the API first"))
	}
	if err != nil {
		return err
	}
	nodes, err := tx.AllNodes(ctx, region, im.ControlPlaneID)
	if err != nil {
		return err
	}
	gn := make([]core.GatewayNode, len(nodes))
	for i, n := range nodes {
		gn[i] = core.GatewayNode{ID: n.ID, Hostname: n.Hostname, Version: n.Version}
	}
	if node, outdated := core.FirstOutdatedGatewayNode(gn); outdated {
		return core.Invalid(core.InvalidViolation("api_id",
			"the API's gateway cannot enforce application auth: "+core.OutdatedGatewayNodeMessage(node)+"; upgrade or remove that node"))
	}
	return nil
}

func getRegistration(ctx context.Context, tx *store.Tx, region, applicationID, id string) (store.Registration, error) {
	reg, err := tx.GetRegistration(ctx, region, applicationID, id)
	return reg, orNotFound(err, "Registration", id)
}

// listRegistrations lists the registrations of the request's application (or of the whole
// portal when it names none) that the developer, if any, owns.
func (a *API) listRegistrations(r *http.Request, portalID string, developer *core.Developer, f store.RegistrationFilter,
	page store.Page) ([]store.Registration, int, error) {
	ctx, region := r.Context(), regionOf(r)
	var (
		regs  []store.Registration
		total int
	)
	err := a.store.View(ctx, func(tx *store.Tx) error {
		if developer == nil {
			if _, err := getPortal(ctx, tx, region, portalID); err != nil {
				return err
			}
		}
		if id := r.PathValue("applicationId"); id != "" {
			app, err := getApplication(ctx, tx, region, portalID, id, developer)
			if err != nil {
				return err
			}
			f.ApplicationID = app.ID
		}
		var err error
		regs, total, err = tx.ListRegistrations(ctx, region, portalID, f, page)
		return err
	})
	return regs, total, err
}

// Developer portal endpoints.

func (a *API) devListRegistrations(w http.ResponseWriter, r *http.Request, c devContext) error {
	page, filters, err := listParams(r, "id", "status", "api_name")
	if err != nil {
		return err
	}
	regs, total, err := a.listRegistrations(r, c.portal.ID, c.developer,
		store.RegistrationFilter{ID: filters["id"], Status: filters["status"], APIName: filters["api_name"]}, page)
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
	reg, err := a.createRegistration(r, c.portal.ID, c.developer, apiID, "")
	return respond(w, err, http.StatusCreated, toDevRegistrationJSON(reg))
}

func (a *API) createRegistration(r *http.Request, portalID string, developer *core.Developer, apiID string,
	explicit core.RegistrationStatus) (store.Registration, error) {
	ctx, region := r.Context(), regionOf(r)
	var reg store.Registration
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		app, err := getApplication(ctx, tx, region, portalID, r.PathValue("applicationId"), developer)
		if err != nil {
			return err
		}
		reg, err = a.register(ctx, tx, p, app, apiID, explicit, developer != nil)
		return err
	})
	if err == nil {
		a.log.DebugContext(ctx, "application registered", "application_id", reg.ApplicationID, "api_id", reg.APIID, "status", reg.Status)
	}
	return reg, err
}

func (a *API) devGetRegistration(w http.ResponseWriter, r *http.Request, c devContext) error {
	reg, err := a.oneRegistration(r, c.portal.ID, c.developer)
	return respond(w, err, http.StatusOK, toDevRegistrationJSON(reg))
}

func (a *API) oneRegistration(r *http.Request, portalID string, developer *core.Developer) (store.Registration, error) {
	ctx, region := r.Context(), regionOf(r)
	var reg store.Registration
	err := a.store.View(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, developer)
		if err != nil {
			return err
		}
		reg, err = getRegistration(ctx, tx, region, app.ID, r.PathValue("registrationId"))
		return err
	})
	return reg, err
}

func (a *API) devDeleteRegistration(w http.ResponseWriter, r *http.Request, c devContext) error {
	return a.deleteRegistration(w, r, c.portal.ID, c.developer)
}

func (a *API) deleteRegistration(w http.ResponseWriter, r *http.Request, portalID string, developer *core.Developer) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, developer)
		if err != nil {
			return err
		}
		reg, err := getRegistration(ctx, tx, region, app.ID, r.PathValue("registrationId"))
		if err != nil {
			return err
		}
		return tx.DeleteRegistration(ctx, region, app.ID, reg.ID)
	})
	return noContent(w, err)
}

// Admin endpoints.

func (a *API) adminListApplicationRegistrations(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "status")
	if err != nil {
		return err
	}
	return a.writeRegistrationList(w, r, store.RegistrationFilter{Status: filters["status"]}, page)
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
	f := store.RegistrationFilter{DeveloperID: filters["developer_id"], ApplicationName: filters["application_name"],
		Status: filters["status"], APIID: filters["api_id"], ApplicationAuthStrategyID: filters["application_auth_strategy_id"]}
	if app, ok := filters["application_id"]; ok {
		if app.Op != store.OpEq {
			return core.Invalid(queryViolation("filter[application_id]", "enum", "only the eq operator is supported for application_id"))
		}
		f.ApplicationID = app.Value
	}
	return a.writeRegistrationList(w, r, f, page)
}

func (a *API) writeRegistrationList(w http.ResponseWriter, r *http.Request, f store.RegistrationFilter, page store.Page) error {
	regs, total, err := a.listRegistrations(r, r.PathValue("portalId"), nil, f, page)
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
	reg, err := a.createRegistration(r, r.PathValue("portalId"), nil, apiID, status)
	return respond(w, err, http.StatusCreated, toRegistrationJSON(reg))
}

func (a *API) adminGetRegistration(w http.ResponseWriter, r *http.Request) error {
	reg, err := a.oneRegistration(r, r.PathValue("portalId"), nil)
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
	ctx, region, portalID := r.Context(), regionOf(r), r.PathValue("portalId")
	var reg store.Registration
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := pathApplication(ctx, tx, r, portalID, nil)
		if err != nil {
			return err
		}
		if reg, err = getRegistration(ctx, tx, region, app.ID, r.PathValue("registrationId")); err != nil {
			return err
		}
		if status == "" || status == reg.Status {
			return nil
		}
		if err := tx.SetRegistrationStatus(ctx, region, app.ID, reg.ID, status, a.now()); err != nil {
			return err
		}
		reg, err = tx.GetRegistration(ctx, region, app.ID, reg.ID)
		return err
	})
	return respond(w, err, http.StatusOK, toRegistrationJSON(reg))
}

func (a *API) adminDeleteRegistration(w http.ResponseWriter, r *http.Request) error {
	return a.deleteRegistration(w, r, r.PathValue("portalId"), nil)
}
