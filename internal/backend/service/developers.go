package service

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// DeveloperFilter narrows a list of developers.
type DeveloperFilter = store.DeveloperFilter

// NewDeveloper is an administrator's new developer account.
type NewDeveloper struct {
	Email    string
	FullName string
	Status   core.DeveloperStatus // "": as for a sign-up on the portal
	// Invite mails the developer a link for choosing their password.
	Invite bool
}

// DeveloperChange is an administrator's change of a developer; empty fields stay as they are.
type DeveloperChange struct {
	Email    string
	FullName string
	Status   core.DeveloperStatus
}

// CheckFullName returns the violations of a developer's full_name field; required says whether
// leaving it out is one.
func CheckFullName(fullName core.Field[string], required bool) []core.Violation {
	if !fullName.HasValue() {
		if required && !fullName.Set {
			return []core.Violation{core.RequiredViolation("full_name")}
		}
		return nil
	}
	return core.CheckPersonName("full_name", fullName.Value, core.DeveloperNameMax)
}

func developerOf(ctx context.Context, tx *store.Tx, region, portalID, id string) (core.Developer, error) {
	if _, err := getPortal(ctx, tx, region, portalID); err != nil {
		return core.Developer{}, err
	}
	d, err := tx.GetDeveloper(ctx, region, portalID, id)
	return d, orNotFound(err, "Developer", id)
}

// Developers returns one page of the developers of a portal, and their total.
func (s *Service) Developers(ctx context.Context, region, portalID string, f DeveloperFilter, page store.Page) ([]core.Developer, int, error) {
	// Addresses are stored lower-case, so a filter on one matches whatever case it is given in.
	f.Email.Value = strings.ToLower(f.Email.Value)
	var (
		devs  []core.Developer
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		devs, total, err = tx.ListDevelopers(ctx, region, portalID, f, page)
		return err
	})
	return devs, total, err
}

// CreateDeveloper creates an account with a verified address and no password. Its status is the
// one given, else as for a sign-up; Invite mails a link for choosing the password.
func (s *Service) CreateDeveloper(ctx context.Context, region, portalID string, in NewDeveloper) (core.Developer, error) {
	normalized, vs := CheckEmail(text(in.Email))
	vs = append(vs, CheckFullName(text(in.FullName), true)...)
	if err := core.Invalid(vs...); err != nil {
		return core.Developer{}, err
	}
	now := s.now()
	var d core.Developer
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		status := in.Status
		if status == "" {
			status = core.InitialDeveloperStatus(p.AutoApproveDevelopers)
		}
		d = core.Developer{ID: uuid.NewString(), Region: region, PortalID: p.ID, Email: normalized, FullName: in.FullName,
			Status: status, EmailVerified: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertDeveloper(ctx, d); errors.Is(err, store.ErrConflict) {
			return &Error{Kind: Conflict, Field: "email",
				Detail: "Portal " + p.ID + " already has a developer with e-mail " + normalized + ": update or delete that one."}
		} else if err != nil {
			return err
		}
		if !in.Invite {
			return nil
		}
		return s.mailToken(ctx, tx, p, d, tokenMail{purpose: store.TokenResetPassword, lifetime: core.VerifyTokenLifetime,
			subject: "You are invited to " + p.DisplayName,
			intro:   "An administrator created a developer account for you. Choose your password by sending this token with it to POST /api/v3/developer/reset-password.",
			path:    "/reset-password"})
	})
	return d, err
}

// Developer returns developer id of a portal.
func (s *Service) Developer(ctx context.Context, region, portalID, id string) (core.Developer, error) {
	var d core.Developer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = developerOf(ctx, tx, region, portalID, id)
		return err
	})
	return d, err
}

// UpdateDeveloper changes a developer's status, name or e-mail address. An address set here counts
// as verified, as on creation, and is unique within the portal ignoring case (Conflict). A
// developer who is no longer approved loses their sessions at once; their keys keep working until
// registrations are revoked, as in Konnect. A developer approved from pending is told by mail.
func (s *Service) UpdateDeveloper(ctx context.Context, region, portalID, id string, ch DeveloperChange) (core.Developer, error) {
	var vs []core.Violation
	var normalized string
	if ch.Email != "" {
		normalized, vs = CheckEmail(core.Val(ch.Email))
	}
	vs = append(vs, CheckFullName(text(ch.FullName), false)...)
	if err := core.Invalid(vs...); err != nil {
		return core.Developer{}, err
	}
	var d core.Developer
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if err := tx.LockForUpdate(ctx, store.LockedDevelopers, id); err != nil {
			return err
		}
		if d, err = developerOf(ctx, tx, region, portalID, id); err != nil {
			return err
		}
		next := d
		if ch.Status != "" {
			next.Status = ch.Status
		}
		if ch.FullName != "" {
			next.FullName = ch.FullName
		}
		if normalized != "" && normalized != d.Email {
			other, err := tx.GetDeveloperByEmail(ctx, region, portalID, normalized)
			switch {
			case err == nil:
				return &Error{Kind: Conflict, Field: "email", Detail: "Portal " + portalID + " already has a developer with e-mail " +
					normalized + " (" + other.ID + "): choose another address or delete that developer."}
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			next.Email, next.EmailVerified = normalized, true
		}
		if next == d {
			return nil
		}
		next.UpdatedAt = s.now()
		if err := tx.UpdateDeveloper(ctx, next); err != nil {
			return err
		}
		previous := d
		d = next
		if d.Status == previous.Status {
			return nil
		}
		if d.Status != core.DeveloperApproved {
			return tx.DeleteDeveloperSessions(ctx, d.ID)
		}
		if previous.Status == core.DeveloperPending {
			return s.mailApproval(ctx, tx, d)
		}
		return nil
	})
	return d, err
}

// mailApproval tells d that their account is approved and where to log in.
func (s *Service) mailApproval(ctx context.Context, tx *store.Tx, d core.Developer) error {
	p, err := getPortal(ctx, tx, d.Region, d.PortalID)
	if err != nil {
		return err
	}
	now := s.now()
	portalURL := s.PortalURL(p)
	link := portalURL + "/login"
	body := "Hello,\n\nThis message is for the developer account named " + mail.Quote(d.FullName) + ".\n" +
		"An administrator approved your account: you can now log in to " + p.DisplayName + ".\n\n" +
		"Log in: " + link + "\n"
	m := mail.Message{Region: p.Region, PortalID: p.ID, To: d.Email, Subject: "Your account on " + p.DisplayName + " is approved",
		Body: body, Link: link, SentAt: now}
	return s.deliver(ctx, tx, m, now.Add(outboxLifetime))
}

// DeleteDeveloper deletes a developer with their applications, registrations, keys and sessions.
func (s *Service) DeleteDeveloper(ctx context.Context, region, portalID, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := developerOf(ctx, tx, region, portalID, id); err != nil {
			return err
		}
		return tx.DeleteDeveloper(ctx, region, portalID, id)
	})
}

// Outbox returns one page of the unexpired messages the outbox keeps for a portal, newest first,
// and their total. It is NotFound when a mailer delivers the messages instead.
func (s *Service) Outbox(ctx context.Context, region, portalID string, page store.Page) ([]mail.Message, int, error) {
	if err := s.portalExists(ctx, region, portalID); err != nil {
		return nil, 0, err
	}
	if s.MailerConfigured() {
		return nil, 0, Errorf(NotFound, "The outbox is off: this server delivers developer messages through its configured mailer.")
	}
	var (
		msgs  []mail.Message
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		msgs, total, err = tx.OutboxMessages(ctx, region, portalID, s.now(), page)
		return err
	})
	return msgs, total, err
}
