package httpapi

import (
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// meJSON is the developer portal's Developer: the signed-in developer's own account.
type meJSON struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FullName  string `json:"full_name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// signUp registers a developer (service.SignUp). It answers 201 whether or not the address already
// has an account, so that sign-up does not reveal which addresses do.
func (a *API) signUp(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	vs := o.finish()
	_, fvs := service.CheckSignUp(email, fullName)
	if err := core.Invalid(append(vs, fvs...)...); err != nil {
		return err
	}
	if err := a.svc.SignUp(r.Context(), c.portal, a.clientOf(r).address, email.Value, fullName.Value); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// verifyEmail marks the address of the token's developer as verified and answers with a token
// for setting the first password.
func (a *API) verifyEmail(w http.ResponseWriter, r *http.Request, c devContext) error {
	token, err := readToken(w, r, nil)
	if err != nil {
		return err
	}
	v, err := a.svc.VerifyEmail(r.Context(), c.portal, token)
	noStore(w)
	return respond(w, err, http.StatusAccepted, map[string]string{"email": v.Email, "token": v.ResetToken})
}

// forgotPassword mails a password-reset token when the address has an account, and answers 200
// either way.
func (a *API) forgotPassword(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email := field[string](o, "email", false)
	vs := o.finish()
	_, evs := service.CheckEmail(email)
	if err := core.Invalid(append(vs, evs...)...); err != nil {
		return err
	}
	if err := a.svc.ForgotPassword(r.Context(), c.portal, a.clientOf(r).address, email.Value); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// resetPassword sets the password of the token's developer (service.ResetPassword).
func (a *API) resetPassword(w http.ResponseWriter, r *http.Request, c devContext) error {
	var password core.Field[string]
	token, err := readToken(w, r, func(o *object) []core.Violation {
		password = field[string](o, "password", false)
		if !password.HasValue() {
			return []core.Violation{core.RequiredViolation("password")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return noContent(w, a.svc.ResetPassword(r.Context(), c.portal, token, password.Value))
}

// readToken reads a body holding a one-time token and, through more, other fields.
func readToken(w http.ResponseWriter, r *http.Request, more func(*object) []core.Violation) (string, error) {
	o, err := readObject(w, r)
	if err != nil {
		return "", err
	}
	token := field[string](o, "token", false)
	var vs []core.Violation
	if more != nil {
		vs = more(o)
	}
	vs = append(o.finish(), vs...)
	vs = append(vs, service.CheckToken(token)...)
	return token.Value, core.Invalid(vs...)
}

// authenticate checks a developer's password and starts a session (service.Login), which the
// answer's cookie carries.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	username, password := field[string](o, "username", false), field[string](o, "password", false)
	vs := o.finish()
	if !username.HasValue() {
		vs = append(vs, core.RequiredViolation("username"))
	}
	if !password.HasValue() {
		vs = append(vs, core.RequiredViolation("password"))
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	s, err := a.svc.Login(r.Context(), c.portal, a.clientOf(r).address, username.Value, password.Value)
	if err != nil {
		return err
	}
	a.setSessionCookie(w, r, s.Token, s.Expires)
	noStore(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (a *API) logout(w http.ResponseWriter, r *http.Request, c devContext) error {
	if err := a.svc.Logout(r.Context(), c.portal, sessionToken(r)); err != nil {
		return err
	}
	a.clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, _ *http.Request, c devContext) error {
	d := c.developer
	writeJSON(w, http.StatusOK, meJSON{ID: d.ID, Email: d.Email, FullName: d.FullName,
		CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt)})
	return nil
}
