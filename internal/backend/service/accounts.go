package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Session is a developer's session, started by Login: Token goes into the session cookie.
type Session struct {
	Token     string
	Expires   time.Time
	Developer core.Developer
}

// VerifiedEmail is the result of VerifyEmail: the verified address and a token for setting the
// first password.
type VerifiedEmail struct {
	Email      string
	ResetToken string
}

// CheckEmail returns the normalised form of a required e-mail field, or its violations.
func CheckEmail(f core.Field[string]) (string, []core.Violation) {
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

// CheckSignUp returns the violations of a sign-up's fields, and the normalised address.
func CheckSignUp(email, fullName core.Field[string]) (string, []core.Violation) {
	normalized, vs := CheckEmail(email)
	if !fullName.HasValue() {
		vs = append(vs, core.RequiredViolation("full_name"))
	} else {
		vs = append(vs, core.CheckPersonName("full_name", fullName.Value, core.DeveloperNameMax)...)
	}
	return normalized, vs
}

// CheckToken returns the violations of a one-time token field.
func CheckToken(token core.Field[string]) []core.Violation {
	if !token.HasValue() {
		return []core.Violation{core.RequiredViolation("token")}
	}
	if !core.IsUUID(token.Value) {
		return []core.Violation{{Field: "token", Rule: "is_uuid", Source: "body", Reason: "invalid ID format"}}
	}
	return nil
}

// text makes a Field of a form value, empty meaning absent.
func text(v string) core.Field[string] {
	if v == "" {
		return core.Field[string]{}
	}
	return core.Val(v)
}

// SignUp registers a developer on p: pending unless the portal approves developers automatically.
// It succeeds whether or not the address already has an account, so that sign-up does not reveal
// which addresses do; an unverified account gets a fresh verification message. Sign-ups are limited
// per address and per client (the caller's network address), as each sends mail.
func (s *Service) SignUp(ctx context.Context, p core.Portal, client, email, fullName string) error {
	if err := CheckAccounts(p); err != nil {
		return err
	}
	normalized, vs := CheckSignUp(text(email), text(fullName))
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	now := s.now()
	lim := s.limits
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		err := s.limitMail(ctx, tx, p.ID, store.EventSignUp, now, []limitedSubject{
			{"email:" + normalized, lim.SignUpsPerEmail, "Too many sign-ups for this e-mail address"},
			{"client:" + client, lim.SignUpsPerAddress, "Too many sign-ups from your address"},
		})
		if err != nil {
			return err
		}
		if err := s.purgeUnverified(ctx, tx, now); err != nil {
			return err
		}
		d, err := tx.GetDeveloperByEmail(ctx, p.Region, p.ID, normalized)
		switch {
		case errors.Is(err, store.ErrNotFound):
			d = core.Developer{
				ID: uuid.NewString(), Region: p.Region, PortalID: p.ID, Email: normalized, FullName: fullName,
				Status: core.InitialDeveloperStatus(p.AutoApproveDevelopers), CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.InsertDeveloper(ctx, d); err != nil {
				return err
			}
			s.log.DebugContext(ctx, "developer signed up", "portal_id", p.ID, "developer_id", d.ID, "status", d.Status)
		case err != nil:
			return err
		case d.EmailVerified:
			return nil
		}
		return s.mailToken(ctx, tx, p, d, tokenMail{purpose: store.TokenVerifyEmail, lifetime: core.VerifyTokenLifetime,
			subject: "Verify your e-mail address for " + p.DisplayName,
			intro:   "Confirm the address of your developer account by sending this token to POST /api/v3/developer/verify-email.",
			path:    "/verify-email"})
	})
}

// unverifiedPurgeBatch bounds how many stale unverified accounts one sign-up deletes, so that the
// operation's cost stays small however many piled up.
const unverifiedPurgeBatch = 100

// purgeUnverified deletes accounts whose address was not verified within the configured lifetime:
// they cannot log in, and they keep their address from signing up with another name.
func (s *Service) purgeUnverified(ctx context.Context, tx *store.Tx, now time.Time) error {
	if s.limits.UnverifiedAccountLifetime <= 0 {
		return nil
	}
	n, err := tx.PurgeUnverifiedDevelopers(ctx, now.Add(-s.limits.UnverifiedAccountLifetime), unverifiedPurgeBatch)
	if n > 0 {
		s.log.DebugContext(ctx, "unverified developers purged", "count", n)
	}
	return err
}

// VerifyEmail marks the address of the token's developer as verified and returns a token for
// setting the first password.
func (s *Service) VerifyEmail(ctx context.Context, p core.Portal, token string) (VerifiedEmail, error) {
	if err := CheckAccounts(p); err != nil {
		return VerifiedEmail{}, err
	}
	if err := core.Invalid(CheckToken(text(token))...); err != nil {
		return VerifiedEmail{}, err
	}
	now := s.now()
	var out VerifiedEmail
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := takeToken(ctx, tx, p.Region, p.ID, token, store.TokenVerifyEmail, now)
		if err != nil {
			return err
		}
		if d, err = lockedDeveloper(ctx, tx, p.Region, p.ID, d.ID); err != nil {
			return err
		}
		d.EmailVerified, d.UpdatedAt = true, now
		if err := tx.UpdateDeveloper(ctx, d); err != nil {
			return err
		}
		if err := tx.KeepDeveloperTokens(ctx, d.ID, store.TokenResetPassword, s.limits.ResetLinksKept-1, now); err != nil {
			return err
		}
		out = VerifiedEmail{Email: d.Email, ResetToken: uuid.NewString()}
		return tx.InsertDeveloperToken(ctx, core.HashToken(out.ResetToken), d.ID, store.TokenResetPassword, now.Add(core.ResetTokenLifetime))
	})
	if err != nil {
		return VerifiedEmail{}, err
	}
	return out, nil
}

// ForgotPassword mails a password-reset token when the address has an account on p, and succeeds
// either way. Requests are limited per address and per client, counted whether or not the address
// has an account.
func (s *Service) ForgotPassword(ctx context.Context, p core.Portal, client, email string) error {
	if err := CheckAccounts(p); err != nil {
		return err
	}
	normalized, vs := CheckEmail(text(email))
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	now := s.now()
	lim := s.limits
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		err := s.limitMail(ctx, tx, p.ID, store.EventPasswordMail, now, []limitedSubject{
			{"email:" + normalized, lim.ResetsPerEmail, "Too many password reset requests for this e-mail address"},
			{"client:" + client, lim.ResetsPerAddress, "Too many password reset requests from your address"},
		})
		if err != nil {
			return err
		}
		d, err := tx.GetDeveloperByEmail(ctx, p.Region, p.ID, normalized)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.mailToken(ctx, tx, p, d, tokenMail{purpose: store.TokenResetPassword, lifetime: core.ResetTokenLifetime,
			subject: "Reset your password for " + p.DisplayName,
			intro:   "Choose a new password by sending this token with it to POST /api/v3/developer/reset-password.",
			path:    "/reset-password"})
	})
}

// ResetPassword sets the password of the token's developer, ends their sessions and lifts any
// login lockout of the account: only someone who received mail at the address holds the token.
func (s *Service) ResetPassword(ctx context.Context, p core.Portal, token, password string) error {
	if err := CheckAccounts(p); err != nil {
		return err
	}
	if err := core.Invalid(CheckToken(text(token))...); err != nil {
		return err
	}
	now := s.now()
	// The policy needs the account's address; the token is taken only once the new hash is ready,
	// so that the slow hashing runs outside the write transaction.
	var owner core.Developer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		owner, err = peekToken(ctx, tx, p.Region, p.ID, token, store.TokenResetPassword, now)
		return err
	})
	if err != nil {
		return err
	}
	if err := core.CheckPasswordPolicy(password, owner.Email); err != nil {
		return invalidField("password", err.Error())
	}
	var hash string
	err = s.withHashingSlot(func() error {
		var err error
		hash, err = s.hasher.Hash(password)
		return err
	})
	if err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		d, err := takeToken(ctx, tx, p.Region, p.ID, token, store.TokenResetPassword, now)
		if err != nil {
			return err
		}
		if d, err = lockedDeveloper(ctx, tx, p.Region, p.ID, d.ID); err != nil {
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
		if err := tx.ClearThrottleEvents(ctx, p.ID, store.EventLoginFailure, accountSubject(d.Email)); err != nil {
			return err
		}
		if err := tx.ClearThrottleEventsWithPrefix(ctx, p.ID, store.EventLoginFailure, accountClientPrefix(d.Email)); err != nil {
			return err
		}
		return tx.DeleteDeveloperSessions(ctx, d.ID)
	})
}

// lockedDeveloper locks developer id and reads it again, so that a change made from an earlier
// read (a login's new password hash, the developer of a used token) stores every other field as
// it is now, and never undoes an administrator's concurrent change of the developer's status.
func lockedDeveloper(ctx context.Context, tx *store.Tx, region, portalID, id string) (core.Developer, error) {
	if err := tx.LockForUpdate(ctx, store.LockedDevelopers, id); err != nil {
		return core.Developer{}, err
	}
	d, err := tx.GetDeveloper(ctx, region, portalID, id)
	return d, orNotFound(err, "Developer", id)
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
		return &Error{Kind: NotFound, Field: "token",
			Detail: "The provided token was not found: it may have been used already; request a new one."}
	}
	if err != nil {
		return err
	}
	if !now.Before(expires) {
		return &Error{Kind: Gone, Title: "Gone", Field: "token", Detail: "The token has expired: request a new one."}
	}
	return nil
}

// Subjects of login events. Accounts are normalised e-mail addresses, whether or not an account
// has them, so that answers do not reveal which addresses have accounts.
func accountSubject(email string) string                { return "account:" + email }
func accountClientPrefix(email string) string           { return "account-client:" + email + " " }
func accountClientSubject(email, address string) string { return accountClientPrefix(email) + address }

// Login checks a developer's password and starts a session; client is the caller's network
// address, which the lockouts and limits count. A wrong, empty or unknown e-mail address or password
// is refused alike, as Unauthenticated with the title "Invalid Credentials".
//
// Before the password is checked, one write transaction decides whether the attempt may proceed
// (lockouts and rate limits) and records it as a failure; a correct password then withdraws that
// record. Concurrent attempts are therefore counted one after the other: however many arrive at
// once, no more passwords are checked than the lockout allows. Failures are counted per account and
// client address, which locks out that address only, and per account from every address, which
// locks the account for everyone at a much higher threshold.
func (s *Service) Login(ctx context.Context, p core.Portal, client, email, password string) (Session, error) {
	if err := CheckAccounts(p); err != nil {
		return Session{}, err
	}
	now := s.now()
	// No account can have a malformed address; such attempts count against the client only, and
	// their answer and timing are still those of a wrong password.
	normalized, err := core.NormalizeDeveloperEmail(email)
	if err != nil {
		normalized = ""
	}
	var (
		d       core.Developer
		ok      bool
		newHash string
	)
	err = s.withHashingSlot(func() error {
		attemptID, err := s.beginLogin(ctx, p.ID, normalized, client, now)
		if err != nil {
			return err
		}
		found := false
		if normalized != "" {
			err = s.store.View(ctx, func(tx *store.Tx) error {
				var err error
				d, err = tx.GetDeveloperByEmail(ctx, p.Region, p.ID, normalized)
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
			if ok, err = s.hasher.Verify(password, d.PasswordHash); err != nil && !errors.Is(err, core.ErrPasswordHashMalformed) {
				return err
			}
		} else {
			s.hasher.VerifyMissing(password)
		}
		if !ok {
			return nil
		}
		// The password was right: this attempt is no failure, whatever the account's status.
		err = s.store.WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.WithdrawThrottleEvents(ctx, p.ID, attemptID); err != nil {
				return err
			}
			return tx.ClearThrottleEvents(ctx, p.ID, store.EventLoginFailure, accountClientSubject(normalized, client))
		})
		if err == nil && s.hasher.NeedsRehash(d.PasswordHash) {
			if h, herr := s.hasher.Hash(password); herr == nil {
				newHash = h
			}
		}
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if !ok {
		s.log.DebugContext(ctx, "developer login failed", "portal_id", p.ID)
		return Session{}, &Error{Kind: Unauthenticated, Title: "Invalid Credentials",
			Detail: "You have entered an invalid email or password."}
	}
	if allowed, refusal := core.DeveloperCanLogIn(d.Status); !allowed {
		return Session{}, titled(Unauthenticated, refusal.Title, refusal.Detail)
	}
	token, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	expires := now.Add(core.SessionLifetime)
	err = s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if newHash != "" {
			current, err := lockedDeveloper(ctx, tx, p.Region, p.ID, d.ID)
			if err != nil {
				return err
			}
			// A password set since the check above stays: the new hash is of the old password.
			if current.PasswordHash == d.PasswordHash {
				current.PasswordHash = newHash
				if err := tx.UpdateDeveloper(ctx, current); err != nil {
					return err
				}
			}
		}
		return tx.InsertSession(ctx, core.HashToken(token), d.ID, now, expires)
	})
	if err != nil {
		return Session{}, err
	}
	s.log.DebugContext(ctx, "developer logged in", "portal_id", p.ID, "developer_id", d.ID)
	return Session{Token: token, Expires: expires, Developer: d}, nil
}

// beginLogin decides, in one write transaction, whether a login attempt for email (empty when the
// username is no address) from a client address may check its password, and if so records it: as
// an attempt for the rate limits and, under the returned attempt id, as a failure for the lockouts.
func (s *Service) beginLogin(ctx context.Context, portalID, email, address string, now time.Time) (string, error) {
	lim := s.limits
	attemptID := uuid.NewString()
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
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
					return tooManyRequests(dec.LockedUntil.Sub(now), fmt.Sprintf(l.detail, FormatTime(dec.LockedUntil)))
				}
				events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: store.EventLoginFailure, Subject: l.subject,
					AttemptID: attemptID, At: now, ExpiresAt: now.Add(l.policy.Window + l.policy.LockFor)})
			}
		}
		rates := []limitedSubject{{"client:" + address, lim.LoginsPerAddress, "Too many logins from your address"}}
		if email != "" {
			rates = append(rates, limitedSubject{accountSubject(email), lim.LoginsPerAccount, "Too many logins for this account"})
		}
		for _, r := range rates {
			if r.limit.Max <= 0 {
				continue
			}
			if err := checkRate(ctx, tx, portalID, store.EventLogin, r, now); err != nil {
				return err
			}
			events = append(events, store.ThrottleEvent{PortalID: portalID, Kind: store.EventLogin, Subject: r.subject,
				At: now, ExpiresAt: now.Add(r.limit.Window)})
		}
		return tx.RecordThrottleEvents(ctx, events...)
	})
	return attemptID, err
}

// Logout ends the session of token, if it is one; an empty or unknown token is no error.
func (s *Service) Logout(ctx context.Context, p core.Portal, token string) error {
	if token == "" {
		return nil
	}
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.DeleteSession(ctx, core.HashToken(token))
	})
}

// SessionDeveloper returns the developer whose session token is on p: nil when token is empty,
// unknown or expired; an Unauthenticated error, with the portal's sentence, when the developer may
// not log in (pending, rejected, revoked). Whether p offers accounts at all is CheckAccounts's question.
func (s *Service) SessionDeveloper(ctx context.Context, p core.Portal, token string) (*core.Developer, error) {
	if token == "" {
		return nil, nil
	}
	var d core.Developer
	err := s.store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.SessionDeveloper(ctx, p.Region, p.ID, core.HashToken(token), s.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ok, refusal := core.DeveloperCanLogIn(d.Status); !ok {
		return nil, titled(Unauthenticated, refusal.Title, refusal.Detail)
	}
	return &d, nil
}

// withHashingSlot runs fn, which hashes a password, when a hashing slot is free and refuses it as
// TooManyRequests otherwise: waiting would only pile up requests behind a flood of logins.
func (s *Service) withHashingSlot(fn func() error) error {
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
		return fn()
	default:
		return &Error{Kind: TooManyRequests, Title: "Too Many Requests", RetryAfter: time.Second,
			Detail: "The server is busy checking other passwords: try again in a second."}
	}
}
