package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
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
	devs, total, err := a.svc.Developers(r.Context(), regionOf(r), r.PathValue("portalId"),
		service.DeveloperFilter{Name: filters["name"], Status: filters["status"], Email: filters["email"]}, page)
	return respond(w, err, http.StatusOK, newListResponse(mapEach(devs, toDeveloperJSON), page, total))
}

// createDeveloper creates an account with a verified address and no password (service.CreateDeveloper);
// send_invitation_email mails a link for setting the password.
func (a *API) createDeveloper(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	status, vs := readDeveloperStatus(o)
	invite := field[bool](o, "send_invitation_email", false)
	vs = append(o.finish(), vs...)
	_, evs := service.CheckEmail(email)
	vs = append(vs, evs...)
	vs = append(vs, service.CheckFullName(fullName, true)...)
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	d, err := a.svc.CreateDeveloper(r.Context(), regionOf(r), r.PathValue("portalId"),
		service.NewDeveloper{Email: email.Value, FullName: fullName.Value, Status: status, Invite: invite.Value})
	return respond(w, err, http.StatusCreated, toDeveloperJSON(d))
}

func (a *API) getDeveloper(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.Developer(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId"))
	return respond(w, err, http.StatusOK, toDeveloperJSON(d))
}

// updateDeveloper changes a developer's status, name or e-mail address (service.UpdateDeveloper).
// Konnect's update takes the status only; renaming in place keeps a typo fix from deleting the
// developer's applications.
func (a *API) updateDeveloper(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	status, vs := readDeveloperStatus(o)
	vs = append(o.finish(), vs...)
	if email.HasValue() {
		_, evs := service.CheckEmail(email)
		vs = append(vs, evs...)
	}
	vs = append(vs, service.CheckFullName(fullName, false)...)
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	d, err := a.svc.UpdateDeveloper(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId"),
		service.DeveloperChange{Email: email.Value, FullName: fullName.Value, Status: status})
	return respond(w, err, http.StatusOK, toDeveloperJSON(d))
}

// deleteDeveloper deletes a developer with their applications, registrations, keys and sessions.
func (a *API) deleteDeveloper(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.svc.DeleteDeveloper(r.Context(), regionOf(r), r.PathValue("portalId"), r.PathValue("developerId")))
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
	msgs, total, err := a.svc.Outbox(r.Context(), regionOf(r), r.PathValue("portalId"), page)
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
