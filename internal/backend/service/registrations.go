package service

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Registration is an application's registration with an API, with the names both show.
type Registration = store.Registration

// RegistrationFilter narrows a list of registrations.
type RegistrationFilter = store.RegistrationFilter

// CheckAPIID returns the violations of a registration's api_id field.
func CheckAPIID(api core.Field[string]) []core.Violation {
	switch {
	case !api.Set:
		return []core.Violation{core.RequiredViolation("api_id")}
	case api.HasValue() && !core.IsUUID(api.Value):
		return []core.Violation{core.UUIDViolation("api_id")}
	}
	return nil
}

// register registers app with an API published to its portal, when the rules allow it. A
// developer's refusals name nothing the developer cannot see (settings, nodes, other ids).
func (s *Service) register(ctx context.Context, tx *store.Tx, p core.Portal, app core.Application, apiID string,
	explicit core.RegistrationStatus, developer bool) (Registration, error) {
	pub, err := tx.GetPublication(ctx, p.Region, apiID, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		if developer {
			return Registration{}, &Error{Kind: NotFound, Field: "api_id", Detail: "API " + apiID + " is not available on this portal."}
		}
		return Registration{}, &Error{Kind: NotFound, Field: "api_id", Detail: "API " + apiID + " is not published to portal " + p.ID + "."}
	}
	if err != nil {
		return Registration{}, err
	}
	in := core.RegistrationEligibilityInput{PortalAuthenticationEnabled: p.AuthenticationEnabled, Published: true,
		ApplicationAuthStrategyID: app.AuthStrategyID}
	if pub.AuthStrategyID != nil {
		in.PublicationAuthStrategyIDs = []string{*pub.AuthStrategyID}
	}
	if err := core.CheckRegistrationEligibility(in); err != nil {
		var refused *core.RegistrationRefusedError
		if developer && errors.As(err, &refused) {
			return Registration{}, invalidField("api_id", refused.DeveloperMessage())
		}
		return Registration{}, invalidField("api_id", err.Error())
	}
	if err := checkGatewayEnforces(ctx, tx, p.Region, apiID); err != nil {
		var invalid *core.ValidationError
		if developer && errors.As(err, &invalid) {
			return Registration{}, invalidField("api_id",
				"the API does not take application registrations at the moment; try again later or ask the portal's administrators")
		}
		return Registration{}, err
	}
	now := s.now()
	reg := Registration{ID: uuid.NewString(), Region: p.Region, PortalID: p.ID, ApplicationID: app.ID, APIID: apiID,
		Status: core.InitialRegistrationStatus(core.RegistrationApprovalInput{Explicit: explicit,
			PortalAutoApproveApplications: p.AutoApproveApplications, PublicationAutoApproveRegistrations: pub.AutoApproveRegistrations}),
		CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertRegistration(ctx, reg); errors.Is(err, store.ErrConflict) {
		return Registration{}, &Error{Kind: Conflict, Field: "api_id",
			Detail: "Application " + app.ID + " is already registered with API " + apiID + ": update or delete that registration."}
	} else if err != nil {
		return Registration{}, err
	}
	return tx.GetRegistration(ctx, p.Region, app.ID, reg.ID)
}

// checkGatewayEnforces refuses registrations for an API that no gateway could protect: one not
// linked to a gateway service, or whose control plane has a node older than 3.6.
func checkGatewayEnforces(ctx context.Context, tx *store.Tx, region, apiID string) error {
	im, err := tx.ImplementationOfAPI(ctx, region, apiID)
	if errors.Is(err, store.ErrNotFound) {
		return invalidField("api_id",
			"the API is not linked to a gateway service, so no gateway would enforce its keys; link a service to the API first")
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
		return invalidField("api_id",
			"the API's gateway cannot enforce application auth: "+core.OutdatedGatewayNodeMessage(node)+"; upgrade or remove that node")
	}
	return nil
}

func getRegistration(ctx context.Context, tx *store.Tx, region, applicationID, id string) (Registration, error) {
	reg, err := tx.GetRegistration(ctx, region, applicationID, id)
	return reg, orNotFound(err, "Registration", id)
}

// listRegistrations lists the registrations of application appID (or of the whole portal when
// appID is empty) within the scope.
func (s *Service) listRegistrations(ctx context.Context, o owned, appID string, f RegistrationFilter, page store.Page) ([]Registration, int, error) {
	var (
		regs  []Registration
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if o.developer == nil {
			if _, err := getPortal(ctx, tx, o.region, o.portalID); err != nil {
				return err
			}
		}
		if appID != "" {
			app, err := getApplication(ctx, tx, o.region, o.portalID, appID, o.developer)
			if err != nil {
				return err
			}
			f.ApplicationID = app.ID
		}
		var err error
		regs, total, err = tx.ListRegistrations(ctx, o.region, o.portalID, f, page)
		return err
	})
	return regs, total, err
}

func (s *Service) createRegistration(ctx context.Context, o owned, appID, apiID string, explicit core.RegistrationStatus) (Registration, error) {
	var reg Registration
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, o.region, o.portalID)
		if err != nil {
			return err
		}
		app, err := getApplication(ctx, tx, o.region, o.portalID, appID, o.developer)
		if err != nil {
			return err
		}
		reg, err = s.register(ctx, tx, p, app, apiID, explicit, o.developer != nil)
		return err
	})
	if err == nil {
		s.log.DebugContext(ctx, "application registered", "application_id", reg.ApplicationID, "api_id", reg.APIID, "status", reg.Status)
	}
	return reg, err
}

func (s *Service) oneRegistration(ctx context.Context, o owned, appID, regID string) (Registration, error) {
	var reg Registration
	err := s.store.View(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		reg, err = getRegistration(ctx, tx, o.region, app.ID, regID)
		return err
	})
	return reg, err
}

func (s *Service) deleteRegistration(ctx context.Context, o owned, appID, regID string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		reg, err := getRegistration(ctx, tx, o.region, app.ID, regID)
		if err != nil {
			return err
		}
		return tx.DeleteRegistration(ctx, o.region, app.ID, reg.ID)
	})
}

// Registrations returns one page of the registrations of dev's application appID on p, and their total.
func (s *Service) Registrations(ctx context.Context, p core.Portal, dev core.Developer, appID string, f RegistrationFilter,
	page store.Page) ([]Registration, int, error) {
	return s.listRegistrations(ctx, devScope(p, dev), appID, f, page)
}

// CreateRegistration asks for access of dev's application appID on p to the API apiID: pending, or
// approved at once where the portal or the publication approves automatically.
func (s *Service) CreateRegistration(ctx context.Context, p core.Portal, dev core.Developer, appID, apiID string) (Registration, error) {
	if err := core.Invalid(CheckAPIID(text(apiID))...); err != nil {
		return Registration{}, err
	}
	return s.createRegistration(ctx, devScope(p, dev), appID, apiID, "")
}

// Registration returns registration regID of dev's application appID on p.
func (s *Service) Registration(ctx context.Context, p core.Portal, dev core.Developer, appID, regID string) (Registration, error) {
	return s.oneRegistration(ctx, devScope(p, dev), appID, regID)
}

// DeleteRegistration withdraws registration regID of dev's application appID on p.
func (s *Service) DeleteRegistration(ctx context.Context, p core.Portal, dev core.Developer, appID, regID string) error {
	return s.deleteRegistration(ctx, devScope(p, dev), appID, regID)
}

// AdminRegistrations returns one page of the registrations of application appID of a portal, or of
// all its applications when appID is empty, and their total.
func (s *Service) AdminRegistrations(ctx context.Context, region, portalID, appID string, f RegistrationFilter,
	page store.Page) ([]Registration, int, error) {
	return s.listRegistrations(ctx, adminScope(region, portalID), appID, f, page)
}

// AdminCreateRegistration registers application appID of a portal with the API apiID; a status
// other than "" overrides the auto-approval settings.
func (s *Service) AdminCreateRegistration(ctx context.Context, region, portalID, appID, apiID string,
	status core.RegistrationStatus) (Registration, error) {
	if err := core.Invalid(CheckAPIID(text(apiID))...); err != nil {
		return Registration{}, err
	}
	return s.createRegistration(ctx, adminScope(region, portalID), appID, apiID, status)
}

// AdminRegistration returns registration regID of application appID of a portal.
func (s *Service) AdminRegistration(ctx context.Context, region, portalID, appID, regID string) (Registration, error) {
	return s.oneRegistration(ctx, adminScope(region, portalID), appID, regID)
}

// AdminUpdateRegistration approves, rejects, revokes or resets registration regID of application
// appID of a portal; status "" changes nothing.
func (s *Service) AdminUpdateRegistration(ctx context.Context, region, portalID, appID, regID string,
	status core.RegistrationStatus) (Registration, error) {
	o := adminScope(region, portalID)
	var reg Registration
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		if err := tx.LockForUpdate(ctx, store.LockedRegistrations, regID); err != nil {
			return err
		}
		if reg, err = getRegistration(ctx, tx, region, app.ID, regID); err != nil {
			return err
		}
		if status == "" || status == reg.Status {
			return nil
		}
		if err := tx.SetRegistrationStatus(ctx, region, app.ID, reg.ID, status, s.now()); err != nil {
			return err
		}
		reg, err = tx.GetRegistration(ctx, region, app.ID, reg.ID)
		return err
	})
	return reg, err
}

// AdminDeleteRegistration deletes registration regID of application appID of a portal.
func (s *Service) AdminDeleteRegistration(ctx context.Context, region, portalID, appID, regID string) error {
	return s.deleteRegistration(ctx, adminScope(region, portalID), appID, regID)
}
