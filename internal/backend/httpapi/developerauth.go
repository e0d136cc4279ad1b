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
// which addresses do; an unverified account gets a fresh verification message. Sign-ups are limited
// per address and per client, as each sends mail.
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
		vs = append(vs, core.CheckPersonName("full_name", fullName.Value, core.DeveloperNameMax)...)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now()
	lim := a.ss.limits
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		err := a.limitMail(ctx, tx, c.portal.ID, store.EventSignUp, now, []limitedSubject{
			{"email:" + normalized, lim.SignUpsPerEmail, "Too many sign-ups for this e-mail address"},
			{"client:" + a.clientOf(r).address, lim.SignUpsPerAddress, "Too many sign-ups from your address"},
		})
		if err != nil {
			return err
		}
		if err := a.purgeUnverified(ctx, tx, now); err != nil {
			return err
		}
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

// unverifiedPurgeBatch bounds how many stale unverified accounts one sign-up deletes, so that the
// request's cost stays small however many piled up.
const unverifiedPurgeBatch = 100

// purgeUnverified deletes accounts whose address was not verified within the configured lifetime:
// they cannot log in, and they keep their address from signing up with another name.
func (a *API) purgeUnverified(ctx context.Context, tx *store.Tx, now time.Time) error {
	if a.ss.limits.UnverifiedAccountLifetime <= 0 {
		return nil
	}
	n, err := tx.PurgeUnverifiedDevelopers(ctx, now.Add(-a.ss.limits.UnverifiedAccountLifetime), unverifiedPurgeBatch)
	if n > 0 {
		a.log.DebugContext(ctx, "unverified developers purged", "count", n)
	}
	return err
}

// limitedSubject is one subject of a rate limit, with the start of the sentence that refuses it.
type limitedSubject struct {
	subject string
	limit   core.RateLimit
	refusal string
}

// limitMail refuses an event of kind that would exceed the limit of one of the subjects, and
// otherwise records it for each of them. It runs in the write transaction of the request, so that
// concurrent requests are counted one after the other.
func (a *API) limitMail(ctx context.Context, tx *store.Tx, portalID, kind string, now time.Time, subjects []limitedSubject) error {
	if err := tx.PruneThrottleEvents(ctx, now); err != nil {
		return err
	}
	var events []store.ThrottleEvent
	for _, s := range subjects {
		if s.limit.Max <= 0 {
			continue
		}
		if err := a.checkRate(ctx, tx, portalID, kind, s, now); err != nil {
			return err
		}
		events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: kind, Subject: s.subject, At: now,
			ExpiresAt: now.Add(s.limit.Window)})
	}
	return tx.RecordThrottleEvents(ctx, events...)
}

// checkRate returns a 429 error when one more event of kind for s would exceed its limit.
func (a *API) checkRate(ctx context.Context, tx *store.Tx, portalID, kind string, s limitedSubject, now time.Time) error {
	if s.limit.Max <= 0 {
		return nil
	}
	events, err := tx.ThrottleEvents(ctx, portalID, kind, s.subject, now.Add(-s.limit.Window))
	if err != nil {
		return err
	}
	if wait := s.limit.Check(events, now); wait > 0 {
		return tooManyRequests(wait, s.refusal+": try again after "+formatTime(now.Add(wait))+".")
	}
	return nil
}

func tooManyRequests(wait time.Duration, detail string) error {
	return &titledError{status: http.StatusTooManyRequests, title: "Too Many Requests", retryAfter: wait, detail: detail}
}

// mailToken issues a one-time token to d and mails it. Earlier unexpired tokens of the purpose stay
// valid, up to the configured number, so that asking for another message cannot cancel the one a
// developer is about to use.
func (a *API) mailToken(ctx context.Context, tx *store.Tx, p core.Portal, d core.Developer, purpose string,
	lifetime time.Duration, subject, intro string) error {
	now := a.now()
	if err := tx.KeepDeveloperTokens(ctx, d.ID, purpose, a.ss.limits.ResetLinksKept-1, now); err != nil {
		return err
	}
	token := uuid.NewString()
	if err := tx.InsertDeveloperToken(ctx, core.HashToken(token), d.ID, purpose, now.Add(lifetime)); err != nil {
		return err
	}
	m := mail.Message{
		Region: p.Region, PortalID: p.ID, To: d.Email, Subject: subject, Token: token, SentAt: now,
		Body: mail.TokenMessage{Name: d.FullName, Intro: intro, Token: token, PortalURL: "https://" + p.DefaultDomain,
			ValidUntil: formatTime(now.Add(lifetime))}.Body(),
	}
	if a.ss.mailer != nil {
		return a.ss.mailer.Send(ctx, m)
	}
	return tx.InsertOutboxMessage(ctx, store.OutboxMessage{ID: uuid.NewString(), Message: m, ExpiresAt: now.Add(lifetime)},
		OutboxCapacity)
}

// OutboxCapacity bounds the messages the outbox keeps per portal. Messages leave it when their token
// expires; with the default sign-up and forgot-password limits, one client address can add at most
// 20 an hour, so only a flood from more than 50 addresses within a day could push out a message
// before its token expires, and then the oldest go first.
const OutboxCapacity = 1000

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
		if err := tx.KeepDeveloperTokens(ctx, d.ID, store.TokenResetPassword, a.ss.limits.ResetLinksKept-1, now); err != nil {
			return err
		}
		reset = uuid.NewString()
		email = d.Email
		return tx.InsertDeveloperToken(ctx, core.HashToken(reset), d.ID, store.TokenResetPassword, now.Add(core.ResetTokenLifetime))
	})
	noStore(w)
	return respond(w, err, http.StatusAccepted, map[string]string{"email": email, "token": reset})
}

// forgotPassword mails a password-reset token when the address has an account, and answers 200
// either way. Requests are limited per address and per client, counted whether or not the
// address has an account.
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
	ctx, region, now := r.Context(), regionOf(r), a.now()
	lim := a.ss.limits
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		err := a.limitMail(ctx, tx, c.portal.ID, store.EventPasswordMail, now, []limitedSubject{
			{"email:" + normalized, lim.ResetsPerEmail, "Too many password reset requests for this e-mail address"},
			{"client:" + a.clientOf(r).address, lim.ResetsPerAddress, "Too many password reset requests from your address"},
		})
		if err != nil {
			return err
		}
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

// resetPassword sets the password of the token's developer, ends their sessions and lifts any
// login lockout of the account: only someone who received mail at the address holds the token.
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
	ctx, region, now := r.Context(), regionOf(r), a.now()
	// The policy needs the account's address; the token is taken only once the new hash is ready,
	// so that the slow hashing runs outside the write transaction.
	var owner core.Developer
	err = a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		owner, err = peekToken(ctx, tx, region, c.portal.ID, token, store.TokenResetPassword, now)
		return err
	})
	if err != nil {
		return err
	}
	if err := core.CheckPasswordPolicy(password.Value, owner.Email); err != nil {
		return core.Invalid(core.InvalidViolation("password", err.Error()))
	}
	var hash string
	err = a.withHashingSlot(func() error {
		var err error
		hash, err = a.ss.hasher.Hash(password.Value)
		return err
	})
	if err != nil {
		return err
	}
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := takeToken(ctx, tx, region, c.portal.ID, token, store.TokenResetPassword, now)
		if err != nil {
			return err
		}
		d.PasswordHash, d.EmailVerified, d.UpdatedAt = hash, true, now
		if err := tx.UpdateDeveloper(ctx, d); err != nil {
			return err
		}
		// The other links were for the same purpose, which is served.
		if err := tx.DeleteDeveloperTokens(ctx, d.ID, store.TokenResetPassword); err != nil {
			return err
		}
		if err := tx.ClearThrottleEvents(ctx, c.portal.ID, store.EventLoginFailure, accountSubject(d.Email)); err != nil {
			return err
		}
		if err := tx.ClearThrottleEventsWithPrefix(ctx, c.portal.ID, store.EventLoginFailure, accountClientPrefix(d.Email)); err != nil {
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
	if err == nil {
		err = tx.DeleteOutboxToken(ctx, token)
	}
	return d, tokenError(err, exp, now)
}

// peekToken is takeToken without using the token up.
func peekToken(ctx context.Context, tx *store.Tx, region, portalID, token, purpose string, now time.Time) (core.Developer, error) {
	d, exp, err := tx.PeekDeveloperToken(ctx, region, portalID, core.HashToken(token), purpose)
	return d, tokenError(err, exp, now)
}

func tokenError(err error, expires, now time.Time) error {
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "The provided token was not found: it may have been used already; request a new one.")
	}
	if err != nil {
		return err
	}
	if !now.Before(expires) {
		return &titledError{status: http.StatusGone, title: "Gone", detail: "The token has expired: request a new one."}
	}
	return nil
}

// Subjects of login events. Accounts are normalised e-mail addresses, whether or not an account
// has them, so that answers do not reveal which addresses have accounts.
func accountSubject(email string) string                { return "account:" + email }
func accountClientPrefix(email string) string           { return "account-client:" + email + " " }
func accountClientSubject(email, address string) string { return accountClientPrefix(email) + address }

// authenticate checks a developer's password and starts a session.
//
// Before the password is checked, one write transaction decides whether the attempt may proceed
// (lockouts and rate limits) and records it as a failure; a correct password then withdraws that
// record. Concurrent attempts are therefore counted one after the other: however many arrive at
// once, no more passwords are checked than the lockout allows. Failures are counted per account and
// client address, which locks out that address only, and per account from every address, which
// locks the account for everyone at a much higher threshold.
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
	// No account can have a malformed address; such attempts count against the client only, and
	// their answer and timing are still those of a wrong password.
	email, err := core.NormalizeDeveloperEmail(username.Value)
	if err != nil {
		email = ""
	}
	address := a.clientOf(r).address
	var (
		d       core.Developer
		ok      bool
		newHash string
	)
	err = a.withHashingSlot(func() error {
		attemptID, err := a.beginLogin(ctx, c.portal.ID, email, address, now)
		if err != nil {
			return err
		}
		found := false
		if email != "" {
			err = a.store.View(ctx, func(tx *store.Tx) error {
				var err error
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
		}
		if found && d.PasswordHash != "" {
			if ok, err = a.ss.hasher.Verify(password.Value, d.PasswordHash); err != nil && !errors.Is(err, core.ErrPasswordHashMalformed) {
				return err
			}
		} else {
			a.ss.hasher.VerifyMissing(password.Value)
		}
		if !ok {
			return nil
		}
		// The password was right: this attempt is no failure, whatever the account's status.
		err = a.store.WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.WithdrawThrottleEvents(ctx, c.portal.ID, attemptID); err != nil {
				return err
			}
			return tx.ClearThrottleEvents(ctx, c.portal.ID, store.EventLoginFailure, accountClientSubject(email, address))
		})
		if err == nil && a.ss.hasher.NeedsRehash(d.PasswordHash) {
			if h, herr := a.ss.hasher.Hash(password.Value); herr == nil {
				newHash = h
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
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
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if newHash != "" {
			d.PasswordHash = newHash
			if err := tx.UpdateDeveloper(ctx, d); err != nil {
				return err
			}
		}
		return tx.InsertSession(ctx, core.HashToken(token), d.ID, now, expires)
	})
	if err != nil {
		return err
	}
	a.log.DebugContext(ctx, "developer logged in", "portal_id", c.portal.ID, "developer_id", d.ID)
	a.setSessionCookie(w, r, token, expires)
	noStore(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// beginLogin decides, in one write transaction, whether a login attempt for email (empty when the
// username is no address) from a client address may check its password, and if so records it: as
// an attempt for the rate limits and, under the returned attempt id, as a failure for the lockouts.
func (a *API) beginLogin(ctx context.Context, portalID, email, address string, now time.Time) (string, error) {
	lim := a.ss.limits
	attemptID := uuid.NewString()
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.PruneThrottleEvents(ctx, now); err != nil {
			return err
		}
		var events []store.ThrottleEvent
		if email != "" {
			locks := []struct {
				subject string
				policy  core.LoginThrottle
				detail  string
			}{
				{accountSubject(email), lim.AccountLockout, "This account is locked after too many failed logins: try again after %s, " +
					"or reset the password with POST /api/v3/developer/forgot-password."},
				{accountClientSubject(email, address), lim.ClientLockout, "Too many failed logins for this account from your address: " +
					"try again after %s, or reset the password with POST /api/v3/developer/forgot-password."},
			}
			for _, l := range locks {
				if l.policy.MaxFailures <= 0 {
					continue
				}
				failures, err := tx.ThrottleEvents(ctx, portalID, store.EventLoginFailure, l.subject, l.policy.RetainAfter(now))
				if err != nil {
					return err
				}
				if dec := l.policy.Check(failures, now); !dec.Allowed {
					return tooManyRequests(dec.LockedUntil.Sub(now), fmt.Sprintf(l.detail, formatTime(dec.LockedUntil)))
				}
				events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: store.EventLoginFailure, Subject: l.subject,
					AttemptID: attemptID, At: now, ExpiresAt: now.Add(l.policy.Window + l.policy.LockFor)})
			}
		}
		rates := []limitedSubject{{"client:" + address, lim.LoginsPerAddress, "Too many logins from your address"}}
		if email != "" {
			rates = append(rates, limitedSubject{accountSubject(email), lim.LoginsPerAccount, "Too many logins for this account"})
		}
		for _, s := range rates {
			if s.limit.Max <= 0 {
				continue
			}
			if err := a.checkRate(ctx, tx, portalID, store.EventLogin, s, now); err != nil {
				return err
			}
			events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: store.EventLogin, Subject: s.subject,
				At: now, ExpiresAt: now.Add(s.limit.Window)})
		}
		return tx.RecordThrottleEvents(ctx, events...)
	})
	return attemptID, err
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
