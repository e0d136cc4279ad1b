package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// developerJSON is the admin API's PortalDeveloper.
type developerJSON struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Email     string `json:"email"`
	FullName  string `json:"full_name"`
	Status    string `json:"status"`
}

func toDeveloperJSON(d core.Developer) developerJSON {
	return developerJSON{ID: d.ID, CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt),
		Email: d.Email, FullName: d.FullName, Status: string(d.Status)}
}

func readDeveloperStatus(o *object) (core.DeveloperStatus, []core.Violation) {
	f := field[string](o, "status", false)
	if !f.HasValue() {
		return "", nil
	}
	st, err := core.ParseDeveloperStatus(f.Value)
	if err != nil {
		v := core.EnumViolation("status", "approved", "pending", "revoked", "rejected")
		v.Reason = err.Error()
		return "", []core.Violation{v}
	}
	return st, nil
}

func (a *API) listDevelopers(w http.ResponseWriter, r *http.Request) error {
	page, filters, err := listParams(r, "name", "status", "email")
	if err != nil {
		return err
	}
	// Addresses are stored lower-case, so a filter on one matches whatever case it is given in.
	if f, ok := filters["email"]; ok {
		f.Value = strings.ToLower(f.Value)
		filters["email"] = f
	}
	ctx, region, portalID := r.Context(), regionOf(r), r.PathValue("portalId")
	var (
		devs  []core.Developer
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		devs, total, err = tx.ListDevelopers(ctx, region, portalID,
			store.DeveloperFilter{Name: filters["name"], Status: filters["status"], Email: filters["email"]}, page)
		return err
	})
	return respond(w, err, http.StatusOK, newListResponse(mapEach(devs, toDeveloperJSON), page, total))
}

// createDeveloper creates an account with a verified address and no password. Its status is the
// one given, else as for a sign-up; send_invitation_email mails a token for setting the password.
func (a *API) createDeveloper(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	status, vs := readDeveloperStatus(o)
	invite := field[bool](o, "send_invitation_email", false)
	vs = append(o.finish(), vs...)
	normalized, evs := checkEmail(email)
	vs = append(vs, evs...)
	if !fullName.HasValue() {
		if !fullName.Set {
			vs = append(vs, core.RequiredViolation("full_name"))
		}
	} else {
		vs = append(vs, core.CheckPersonName("full_name", fullName.Value, core.DeveloperNameMax)...)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, region, portalID, now := r.Context(), regionOf(r), r.PathValue("portalId"), a.now()
	var d core.Developer
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		p, err := getPortal(ctx, tx, region, portalID)
		if err != nil {
			return err
		}
		if status == "" {
			status = core.InitialDeveloperStatus(p.AutoApproveDevelopers)
		}
		d = core.Developer{ID: uuid.NewString(), Region: region, PortalID: p.ID, Email: normalized, FullName: fullName.Value,
			Status: status, EmailVerified: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.InsertDeveloper(ctx, d); errors.Is(err, store.ErrConflict) {
			return errorf(http.StatusConflict, "Portal %s already has a developer with e-mail %s: update or delete that one.", p.ID, normalized)
		} else if err != nil {
			return err
		}
		if !invite.Value {
			return nil
		}
		return a.mailToken(ctx, tx, p, d, store.TokenResetPassword, core.VerifyTokenLifetime,
			"You are invited to "+p.DisplayName,
			"An administrator created a developer account for you. Choose your password by sending this token with it to POST /api/v3/developer/reset-password.")
	})
	return respond(w, err, http.StatusCreated, toDeveloperJSON(d))
}

func (a *API) getDeveloper(w http.ResponseWriter, r *http.Request) error {
	ctx, region, portalID, id := r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId")
	var d core.Developer
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = developerOf(r, tx, region, portalID, id)
		return err
	})
	return respond(w, err, http.StatusOK, toDeveloperJSON(d))
}

func developerOf(r *http.Request, tx *store.Tx, region, portalID, id string) (core.Developer, error) {
	if _, err := getPortal(r.Context(), tx, region, portalID); err != nil {
		return core.Developer{}, err
	}
	d, err := tx.GetDeveloper(r.Context(), region, portalID, id)
	return d, orNotFound(err, "Developer", id)
}

// updateDeveloper changes a developer's status, name or e-mail address. Konnect's update takes the
// status only; renaming in place keeps a typo fix from deleting the developer's applications. An
// address set here counts as verified, as on creation, and is unique within the portal ignoring
// case (409). A developer who is no longer approved loses their sessions at once; their keys keep
// working until registrations are revoked, as in Konnect.
func (a *API) updateDeveloper(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	status, vs := readDeveloperStatus(o)
	vs = append(o.finish(), vs...)
	var normalized string
	if email.HasValue() {
		var evs []core.Violation
		normalized, evs = checkEmail(email)
		vs = append(vs, evs...)
	}
	if fullName.HasValue() {
		vs = append(vs, core.CheckPersonName("full_name", fullName.Value, core.DeveloperNameMax)...)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, region, portalID, id := r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId")
	var d core.Developer
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = developerOf(r, tx, region, portalID, id); err != nil {
			return err
		}
		next := d
		if status != "" {
			next.Status = status
		}
		if fullName.HasValue() {
			next.FullName = fullName.Value
		}
		if normalized != "" && normalized != d.Email {
			other, err := tx.GetDeveloperByEmail(ctx, region, portalID, normalized)
			switch {
			case err == nil:
				return errorf(http.StatusConflict, "Portal %s already has a developer with e-mail %s (%s): choose another address or delete that developer.",
					portalID, normalized, other.ID)
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			next.Email, next.EmailVerified = normalized, true
		}
		if next == d {
			return nil
		}
		next.UpdatedAt = a.now()
		if err := tx.UpdateDeveloper(ctx, next); err != nil {
			return err
		}
		statusChanged := next.Status != d.Status
		d = next
		if statusChanged && d.Status != core.DeveloperApproved {
			return tx.DeleteDeveloperSessions(ctx, d.ID)
		}
		return nil
	})
	return respond(w, err, http.StatusOK, toDeveloperJSON(d))
}

// deleteDeveloper deletes a developer with their applications, registrations, keys and sessions.
func (a *API) deleteDeveloper(w http.ResponseWriter, r *http.Request) error {
	ctx, region, portalID, id := r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId")
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := developerOf(r, tx, region, portalID, id); err != nil {
			return err
		}
		return tx.DeleteDeveloper(ctx, region, portalID, id)
	})
	return noContent(w, err)
}

// outboxJSON is one message of the outbox extension.
type outboxJSON struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Token   string `json:"token"`
	SentAt  string `json:"sent_at"`
}

// listOutbox lists the unexpired messages the outbox keeps for a portal, newest first. It is 404
// when another mailer delivers them.
func (a *API) listOutbox(w http.ResponseWriter, r *http.Request) error {
	page, _, err := listParams(r)
	if err != nil {
		return err
	}
	portalID := r.PathValue("portalId")
	if err := a.portalExists(r, portalID); err != nil {
		return err
	}
	if a.ss.mailer != nil {
		return errorf(http.StatusNotFound, "The outbox is off: this server delivers developer messages through its configured mailer.")
	}
	var msgs []mail.Message
	var total int
	err = a.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		msgs, total, err = tx.OutboxMessages(r.Context(), regionOf(r), portalID, a.now(), page)
		return err
	})
	if err != nil {
		return err
	}
	out := make([]outboxJSON, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, outboxJSON{To: m.To, Subject: m.Subject, Body: m.Body, Token: m.Token, SentAt: formatTime(m.SentAt)})
	}
	// The messages carry one-time tokens.
	noStore(w)
	writeJSON(w, http.StatusOK, newListResponse(out, page, total))
	return nil
}
