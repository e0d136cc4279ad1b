package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// meJSON is the developer portal's Developer: the signed-in developer's own account.
type meJSON struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FullName  string `json:"full_name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// signUp registers a developer: pending unless the portal approves developers automatically. It
// answers 201 whether or not the address already has an account, so that sign-up does not reveal
// which addresses do; an unverified account gets a fresh verification message.
func (a *API) signUp(w http.ResponseWriter, r *http.Request, c devContext) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	email, fullName := field[string](o, "email", false), field[string](o, "full_name", false)
	vs := o.finish()
	normalized, evs := checkEmail(email)
	vs = append(vs, evs...)
	if !fullName.HasValue() {
		vs = append(vs, core.RequiredViolation("full_name"))
	} else {
		vs = append(vs, core.CheckName("full_name", fullName.Value, core.DeveloperNameMax)...)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := tx.GetDeveloperByEmail(ctx, region, c.portal.ID, normalized)
		switch {
		case errors.Is(err, store.ErrNotFound):
			d = core.Developer{
				ID: uuid.NewString(), Region: region, PortalID: c.portal.ID, Email: normalized, FullName: fullName.Value,
				Status: core.InitialDeveloperStatus(c.portal.AutoApproveDevelopers), CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.InsertDeveloper(ctx, d); err != nil {
				return err
			}
			a.log.DebugContext(ctx, "developer signed up", "portal_id", c.portal.ID, "developer_id", d.ID, "status", d.Status)
		case err != nil:
			return err
		case d.EmailVerified:
			return nil
		}
		return a.mailToken(ctx, tx, c.portal, d, store.TokenVerifyEmail, core.VerifyTokenLifetime,
			"Verify your e-mail address for "+c.portal.DisplayName,
			"Confirm the address of your developer account by sending this token to POST /api/v3/developer/verify-email.")
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

// mailToken issues a one-time token to d, replacing earlier ones of the purpose, and mails it.
func (a *API) mailToken(ctx context.Context, tx *store.Tx, p core.Portal, d core.Developer, purpose string,
	lifetime time.Duration, subject, intro string) error {
	if err := tx.DeleteDeveloperTokens(ctx, d.ID, purpose); err != nil {
		return err
	}
	token := uuid.NewString()
	now := a.now()
	if err := tx.InsertDeveloperToken(ctx, core.HashToken(token), d.ID, purpose, now.Add(lifetime)); err != nil {
		return err
	}
	body := fmt.Sprintf("Hello %s,\n\n%s\n\nToken: %s\nPortal: https://%s\nThe token is valid until %s.\n",
		d.FullName, intro, token, p.DefaultDomain, formatTime(now.Add(lifetime)))
	return a.ss.mailer.Send(ctx, mail.Message{
		Region: p.Region, PortalID: p.ID, To: d.Email, Subject: subject, Body: body, Token: token, SentAt: now,
	})
}

// verifyEmail marks the address of the token's developer as verified and answers with a token
// for setting the first password.
func (a *API) verifyEmail(w http.ResponseWriter, r *http.Request, c devContext) error {
	token, err := readToken(w, r, nil)
	if err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	var email, reset string
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := takeToken(ctx, tx, region, c.portal.ID, token, store.TokenVerifyEmail, now)
		if err != nil {
			return err
		}
		d.EmailVerified, d.UpdatedAt = true, now
		if err := tx.UpdateDeveloper(ctx, d); err != nil {
			return err
		}
		if err := tx.DeleteDeveloperTokens(ctx, d.ID, store.TokenResetPassword); err != nil {
			return err
		}
		reset = uuid.NewString()
		email = d.Email
		return tx.InsertDeveloperToken(ctx, core.HashToken(reset), d.ID, store.TokenResetPassword, now.Add(core.ResetTokenLifetime))
	})
	return respond(w, err, http.StatusAccepted, map[string]string{"email": email, "token": reset})
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
	normalized, evs := checkEmail(email)
	if err := core.Invalid(append(vs, evs...)...); err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := tx.GetDeveloperByEmail(ctx, region, c.portal.ID, normalized)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return a.mailToken(ctx, tx, c.portal, d, store.TokenResetPassword, core.ResetTokenLifetime,
			"Reset your password for "+c.portal.DisplayName,
			"Choose a new password by sending this token with it to POST /api/v3/developer/reset-password.")
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// resetPassword sets the password of the token's developer and ends their sessions.
func (a *API) resetPassword(w http.ResponseWriter, r *http.Request, c devContext) error {
	var password core.Field[string]
	token, err := readToken(w, r, func(o *object) []core.Violation {
		password = field[string](o, "password", false)
		if !password.HasValue() {
			return []core.Violation{core.RequiredViolation("password")}
		}
		if err := core.CheckPasswordPolicy(password.Value); err != nil {
			return []core.Violation{core.InvalidViolation("password", err.Error())}
		}
		return nil
	})
	if err != nil {
		return err
	}
	hash, err := a.ss.hasher.Hash(password.Value)
	if err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := takeToken(ctx, tx, region, c.portal.ID, token, store.TokenResetPassword, now)
		if err != nil {
			return err
		}
		// Only someone who received mail at the address can hold the token.
		d.PasswordHash, d.EmailVerified, d.UpdatedAt = hash, true, now
		if err := tx.UpdateDeveloper(ctx, d); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, c.portal.ID, d.Email); err != nil {
			return err
		}
		return tx.DeleteDeveloperSessions(ctx, d.ID)
	})
	return noContent(w, err)
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
	if !token.HasValue() {
		vs = append(vs, core.RequiredViolation("token"))
	} else if !core.IsUUID(token.Value) {
		vs = append(vs, core.Violation{Field: "token", Rule: "is_uuid", Source: "body", Reason: "invalid ID format"})
	}
	return token.Value, core.Invalid(vs...)
}

func takeToken(ctx context.Context, tx *store.Tx, region, portalID, token, purpose string, now time.Time) (core.Developer, error) {
	d, exp, err := tx.TakeDeveloperToken(ctx, region, portalID, core.HashToken(token), purpose)
	if errors.Is(err, store.ErrNotFound) {
		return d, errorf(http.StatusNotFound, "The provided token was not found: it may have been used already; request a new one.")
	}
	if err != nil {
		return d, err
	}
	if !now.Before(exp) {
		return d, &titledError{status: http.StatusGone, title: "Gone", detail: "The token has expired: request a new one."}
	}
	return d, nil
}

// authenticate checks a developer's password and starts a session. Failed attempts are counted
// per address, whether or not it has an account, and lock it for a while once too many pile up.
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
	ctx, region, now := r.Context(), regionOf(r), a.now()
	email, err := core.NormalizeDeveloperEmail(username.Value)
	if err != nil {
		// No account can have this address, so there is nothing to lock; the answer and its
		// timing are still those of a wrong password.
		a.ss.hasher.VerifyMissing(password.Value)
		return invalidCredentials()
	}
	var (
		d        core.Developer
		found    bool
		failures []time.Time
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if failures, err = tx.LoginFailures(ctx, c.portal.ID, email, a.ss.throttle.RetainAfter(now)); err != nil {
			return err
		}
		d, err = tx.GetDeveloperByEmail(ctx, region, c.portal.ID, email)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return err
	}
	if dec := a.ss.throttle.Check(failures, now); !dec.Allowed {
		return &titledError{status: http.StatusTooManyRequests, title: "Too Many Requests", retryAfter: dec.LockedUntil.Sub(now),
			detail: "Too many failed logins for this account: try again after " + formatTime(dec.LockedUntil) + " or reset the password."}
	}
	ok := false
	if found && d.PasswordHash != "" {
		if ok, err = a.ss.hasher.Verify(password.Value, d.PasswordHash); err != nil && !errors.Is(err, core.ErrPasswordHashMalformed) {
			return err
		}
	} else {
		a.ss.hasher.VerifyMissing(password.Value)
	}
	if !ok {
		err := a.store.WithTx(ctx, func(tx *store.Tx) error {
			return tx.RecordLoginFailure(ctx, c.portal.ID, email, now, a.ss.throttle.RetainAfter(now))
		})
		if err != nil {
			return err
		}
		a.log.DebugContext(ctx, "developer login failed", "portal_id", c.portal.ID)
		return invalidCredentials()
	}
	if allowed, refusal := core.DeveloperCanLogIn(d.Status); !allowed {
		return &titledError{status: http.StatusUnauthorized, title: refusal.Title, detail: refusal.Detail}
	}
	token, err := randomToken()
	if err != nil {
		return err
	}
	expires := now.Add(core.SessionLifetime)
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, c.portal.ID, email); err != nil {
			return err
		}
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if a.ss.hasher.NeedsRehash(d.PasswordHash) {
			if hash, err := a.ss.hasher.Hash(password.Value); err == nil {
				d.PasswordHash = hash
				if err := tx.UpdateDeveloper(ctx, d); err != nil {
					return err
				}
			}
		}
		return tx.InsertSession(ctx, core.HashToken(token), d.ID, now, expires)
	})
	if err != nil {
		return err
	}
	a.log.DebugContext(ctx, "developer logged in", "portal_id", c.portal.ID, "developer_id", d.ID)
	setSessionCookie(w, r, token, expires)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func invalidCredentials() error {
	return &titledError{status: http.StatusUnauthorized, title: "Invalid Credentials", detail: "You have entered an invalid email or password."}
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (a *API) logout(w http.ResponseWriter, r *http.Request, _ devContext) error {
	if token := sessionToken(r); token != "" {
		err := a.store.WithTx(r.Context(), func(tx *store.Tx) error {
			return tx.DeleteSession(r.Context(), core.HashToken(token))
		})
		if err != nil {
			return err
		}
	}
	clearSessionCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, _ *http.Request, c devContext) error {
	d := c.developer
	writeJSON(w, http.StatusOK, meJSON{ID: d.ID, Email: d.Email, FullName: d.FullName,
		CreatedAt: formatTime(d.CreatedAt), UpdatedAt: formatTime(d.UpdatedAt)})
	return nil
}

// checkEmail returns the normalised form of a required e-mail field, or its violations.
func checkEmail(f core.Field[string]) (string, []core.Violation) {
	if !f.HasValue() {
		if f.Set {
			return "", nil // already reported as a type violation
		}
		return "", []core.Violation{core.RequiredViolation("email")}
	}
	e, err := core.NormalizeDeveloperEmail(f.Value)
	if err != nil {
		return "", []core.Violation{{Field: "email", Rule: "invalid", Source: "body", Reason: err.Error()}}
	}
	return e, nil
}
