package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Application is an application with what its views show besides its own fields: its auth
// strategy (nil when deleted since) and how many registrations it has.
type Application struct {
	core.Application
	Strategy      *core.AuthStrategy
	Registrations int
}

// ApplicationInput is a create or update of an application, from a developer or an administrator.
// Unset fields keep their value on update; Description and Labels may be set to null to clear them.
type ApplicationInput struct {
	Name           core.Field[string]
	Description    core.Field[string]
	AuthStrategyID core.Field[string] // create only; unset means the portal's default strategy
	ClientID       core.Field[string] // create only; unset means a generated one
	Labels         core.Field[map[string]*string]
	OwnerID        core.Field[string] // administrators only: the developer who owns the application
}

// ApplicationFilter narrows a list of applications.
type ApplicationFilter = store.ApplicationFilter

// CheckApplicationInput returns the violations of an application's fields, each naming its field.
func CheckApplicationInput(in ApplicationInput, create bool) []core.Violation {
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

func viewApplication(ctx context.Context, tx *store.Tx, a core.Application) (Application, error) {
	v := Application{Application: a}
	st, err := tx.GetAuthStrategy(ctx, a.Region, a.AuthStrategyID)
	switch {
	case err == nil:
		v.Strategy = &st
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	v.Registrations, err = tx.CountApplicationRegistrations(ctx, a.ID)
	return v, err
}

// newApplication builds a new application of developerID from a valid input, resolving the auth
// strategy: the one given, else the portal's default.
func (s *Service) newApplication(ctx context.Context, tx *store.Tx, p core.Portal, developerID string, in ApplicationInput) (core.Application, error) {
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
	now := s.now()
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
// Concurrent creations for one developer, on several replicas, take turns on a lock, so that
// each counts the ones before.
func checkApplicationLimit(ctx context.Context, tx *store.Tx, developerID string) error {
	if err := tx.LockKey(ctx, "developer-applications:"+developerID); err != nil {
		return err
	}
	n, err := tx.CountDeveloperApplications(ctx, developerID)
	if err != nil || n < core.MaxApplicationsPerDeveloper {
		return err
	}
	return Errorf(Conflict, "Developer %s already owns %d applications, the most one developer may own: "+
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
	return &Error{Kind: Conflict, Field: "client_id", Detail: fmt.Sprintf("client_id %q is already used by another application in region %s: "+
		"choose another client_id, or leave it out to have one generated.", clientID, region)}
}

func applyApplicationInput(app core.Application, in ApplicationInput) core.Application {
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

// owned is who an operation acts for: a developer of a portal, who sees only their own
// applications, or an administrator (developer nil), who names the portal by region and id.
type owned struct {
	region, portalID string
	developer        *core.Developer
}

func devScope(p core.Portal, dev core.Developer) owned {
	return owned{region: p.Region, portalID: p.ID, developer: &dev}
}

func adminScope(region, portalID string) owned { return owned{region: region, portalID: portalID} }

// application returns the application id within the scope. An administrator names the portal too,
// so an unknown portal is reported as such rather than as a missing application.
func (o owned) application(ctx context.Context, tx *store.Tx, id string) (core.Application, error) {
	if o.developer == nil {
		if _, err := getPortal(ctx, tx, o.region, o.portalID); err != nil {
			return core.Application{}, err
		}
	}
	return getApplication(ctx, tx, o.region, o.portalID, id, o.developer)
}

// Applications returns one page of dev's applications on p, and their total.
func (s *Service) Applications(ctx context.Context, p core.Portal, dev core.Developer, f ApplicationFilter, page store.Page) ([]Application, int, error) {
	f.DeveloperID = dev.ID
	return s.listApplications(ctx, p.Region, p.ID, f, page)
}

func (s *Service) listApplications(ctx context.Context, region, portalID string, f ApplicationFilter, page store.Page) ([]Application, int, error) {
	var (
		views []Application
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		apps, n, err := tx.ListApplications(ctx, region, portalID, f, page)
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

// CreateApplication creates an application of dev on p. Its auth strategy must be one that an API
// of the portal uses; without one, the portal's default applies.
func (s *Service) CreateApplication(ctx context.Context, p core.Portal, dev core.Developer, in ApplicationInput) (Application, error) {
	in.OwnerID, in.Labels = core.Field[string]{}, core.Field[map[string]*string]{}
	if err := core.Invalid(CheckApplicationInput(in, true)...); err != nil {
		return Application{}, err
	}
	var v Application
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := checkDeveloperStrategy(ctx, tx, p, in); err != nil {
			return err
		}
		app, err := s.newApplication(ctx, tx, p, dev.ID, in)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return v, err
}

// checkDeveloperStrategy refuses, in a developer's words, an application whose strategy no API of the
// developer's portal uses: strategies of other portals are not the developer's to use or to probe.
// Without auth_strategy_id, the portal's default strategy applies.
func checkDeveloperStrategy(ctx context.Context, tx *store.Tx, p core.Portal, in ApplicationInput) error {
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

// Application returns dev's application id on p; NotFound for another developer's.
func (s *Service) Application(ctx context.Context, p core.Portal, dev core.Developer, id string) (Application, error) {
	return s.viewOne(ctx, devScope(p, dev), id)
}

func (s *Service) viewOne(ctx context.Context, o owned, id string) (Application, error) {
	var v Application
	err := s.store.View(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, o.region, o.portalID, id, o.developer)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return v, err
}

// UpdateApplication changes the name or description of dev's application id on p.
func (s *Service) UpdateApplication(ctx context.Context, p core.Portal, dev core.Developer, id string, in ApplicationInput) (Application, error) {
	in.OwnerID, in.Labels, in.AuthStrategyID = core.Field[string]{}, core.Field[map[string]*string]{}, core.Field[string]{}
	if err := core.Invalid(CheckApplicationInput(in, false)...); err != nil {
		return Application{}, err
	}
	return s.updateApplication(ctx, devScope(p, dev), id, in)
}

func (s *Service) updateApplication(ctx context.Context, o owned, id string, in ApplicationInput) (Application, error) {
	var v Application
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedApplications, id); err != nil {
			return err
		}
		app, err := getApplication(ctx, tx, o.region, o.portalID, id, o.developer)
		if err != nil {
			return err
		}
		if err := core.Invalid(core.CheckClientIDUnchanged(app.ClientID, in.ClientID)...); err != nil {
			return err
		}
		if in.OwnerID.HasValue() {
			if _, err := tx.GetDeveloper(ctx, o.region, o.portalID, in.OwnerID.Value); errors.Is(err, store.ErrNotFound) {
				return ownerMissing(in.OwnerID.Value, o.portalID)
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
		app.UpdatedAt = s.now()
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

// DeleteApplication deletes dev's application id on p, with its registrations and keys.
func (s *Service) DeleteApplication(ctx context.Context, p core.Portal, dev core.Developer, id string) error {
	return s.deleteApplication(ctx, devScope(p, dev), id)
}

func (s *Service) deleteApplication(ctx context.Context, o owned, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, o.region, o.portalID, id, o.developer)
		if err != nil {
			return err
		}
		return tx.DeleteApplication(ctx, o.region, o.portalID, app.ID)
	})
}

// portalExists returns NotFound when the portal does not exist.
func (s *Service) portalExists(ctx context.Context, region, portalID string) error {
	_, err := s.Portal(ctx, region, portalID)
	return err
}

// AdminApplications returns one page of the applications of a portal, and their total.
func (s *Service) AdminApplications(ctx context.Context, region, portalID string, f ApplicationFilter, page store.Page) ([]Application, int, error) {
	if err := s.portalExists(ctx, region, portalID); err != nil {
		return nil, 0, err
	}
	return s.listApplications(ctx, region, portalID, f, page)
}

// AdminCreateApplication creates an application for the developer in.OwnerID of a portal with user
// authentication.
func (s *Service) AdminCreateApplication(ctx context.Context, region, portalID string, in ApplicationInput) (Application, error) {
	vs := CheckApplicationInput(in, true)
	if !in.OwnerID.HasValue() {
		vs = append(vs, core.RequiredViolation("owner.id"))
	}
	if err := core.Invalid(vs...); err != nil {
		return Application{}, err
	}
	var v Application
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		if !p.AuthenticationEnabled {
			return Errorf(Forbidden, "Portal %s does not have user authentication enabled, so it has no applications: "+
				"enable authentication_enabled first.", p.ID)
		}
		if _, err := tx.GetDeveloper(ctx, region, portalID, in.OwnerID.Value); errors.Is(err, store.ErrNotFound) {
			return ownerMissing(in.OwnerID.Value, portalID)
		} else if err != nil {
			return err
		}
		app, err := s.newApplication(ctx, tx, p, in.OwnerID.Value, in)
		if err != nil {
			return err
		}
		v, err = viewApplication(ctx, tx, app)
		return err
	})
	return v, err
}

// AdminApplication returns application id of a portal.
func (s *Service) AdminApplication(ctx context.Context, region, portalID, id string) (Application, error) {
	if err := s.portalExists(ctx, region, portalID); err != nil {
		return Application{}, err
	}
	return s.viewOne(ctx, adminScope(region, portalID), id)
}

// AdminUpdateApplication changes application id of a portal: name, description, labels or owner.
func (s *Service) AdminUpdateApplication(ctx context.Context, region, portalID, id string, in ApplicationInput) (Application, error) {
	if err := core.Invalid(CheckApplicationInput(in, false)...); err != nil {
		return Application{}, err
	}
	if err := s.portalExists(ctx, region, portalID); err != nil {
		return Application{}, err
	}
	return s.updateApplication(ctx, adminScope(region, portalID), id, in)
}

// AdminDeleteApplication deletes application id of a portal, with its registrations and keys.
func (s *Service) AdminDeleteApplication(ctx context.Context, region, portalID, id string) error {
	if err := s.portalExists(ctx, region, portalID); err != nil {
		return err
	}
	return s.deleteApplication(ctx, adminScope(region, portalID), id)
}
