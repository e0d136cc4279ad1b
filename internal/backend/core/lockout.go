package core

import (
	"slices"
	"time"
)

// LoginThrottle locks an account after repeated failed logins: MaxFailures failures within Window lock it
// for LockFor, counted from the failure that reached the limit. It is a pure policy; the caller records
// failed attempts (per account, and per client address if it wants both), clears them after a successful
// login, and does not record attempts refused while locked, so a locked account unlocks on time.
type LoginThrottle struct {
	// MaxFailures of zero or less disables throttling.
	MaxFailures int
	Window      time.Duration
	LockFor     time.Duration
}

// DefaultLoginThrottle allows five failures in fifteen minutes, then locks for fifteen minutes: enough
// for a person mistyping, far too few for guessing a password of PasswordMinLength characters.
var DefaultLoginThrottle = LoginThrottle{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

// LoginThrottleDecision is whether a login attempt may proceed.
type LoginThrottleDecision struct {
	Allowed bool
	// LockedUntil is when attempts are allowed again; zero when Allowed.
	LockedUntil time.Time
}

// Check decides whether a login attempt at now may proceed, given the times of earlier failed attempts
// in any order. A failure f locks until f+LockFor when it is the MaxFailures-th within (f-Window, f].
func (p LoginThrottle) Check(failures []time.Time, now time.Time) LoginThrottleDecision {
	if p.MaxFailures <= 0 {
		return LoginThrottleDecision{Allowed: true}
	}
	cutoff := p.RetainAfter(now)
	var recent []time.Time
	for _, f := range failures {
		if f.After(cutoff) {
			recent = append(recent, f)
		}
	}
	slices.SortFunc(recent, time.Time.Compare)
	var lockedUntil time.Time
	start := 0
	for i, f := range recent {
		for start < i && !recent[start].After(f.Add(-p.Window)) {
			start++
		}
		if i-start+1 >= p.MaxFailures {
			if until := f.Add(p.LockFor); until.After(lockedUntil) {
				lockedUntil = until
			}
		}
	}
	if now.Before(lockedUntil) {
		return LoginThrottleDecision{LockedUntil: lockedUntil}
	}
	return LoginThrottleDecision{Allowed: true}
}

// RetainAfter returns the time at or before which failures can no longer affect a decision at now, so
// the caller may delete them.
func (p LoginThrottle) RetainAfter(now time.Time) time.Time {
	return now.Add(-p.Window - p.LockFor)
}

// RateLimit allows at most Max events within any Window; a request that would be the (Max+1)-th is
// refused until the oldest counted event leaves the window. Only allowed events are recorded, so a
// client that keeps retrying while refused does not extend its own wait.
type RateLimit struct {
	// Max of zero or less disables the limit.
	Max    int
	Window time.Duration
}

// Check returns how long the caller must wait before the event at now is allowed, given the times of
// earlier allowed events in any order; zero means it is allowed now.
func (l RateLimit) Check(events []time.Time, now time.Time) time.Duration {
	if l.Max <= 0 {
		return 0
	}
	cutoff := now.Add(-l.Window)
	var recent []time.Time
	for _, e := range events {
		if e.After(cutoff) {
			recent = append(recent, e)
		}
	}
	if len(recent) < l.Max {
		return 0
	}
	slices.SortFunc(recent, time.Time.Compare)
	// The event that must leave the window first is the one that keeps the count at Max.
	return recent[len(recent)-l.Max].Add(l.Window).Sub(now)
}

// SelfServiceLimits are the thresholds that protect the developer sign-up and login endpoints. Addresses
// are client addresses (see the server's trusted proxies); accounts are normalised e-mail addresses,
// whether or not an account exists, so that limits do not reveal which addresses have accounts.
type SelfServiceLimits struct {
	// ClientLockout counts failed logins per account and client address: it locks that pair only, so that
	// a stranger's guessing does not lock the owner out.
	ClientLockout LoginThrottle
	// AccountLockout counts failed logins per account from every address and locks the account for
	// everyone: the defence against guessing spread over many addresses. Resetting the password lifts it.
	AccountLockout LoginThrottle
	// LoginsPerAccount and LoginsPerAddress bound login attempts, successful or not.
	LoginsPerAccount RateLimit
	LoginsPerAddress RateLimit
	// SignUpsPerEmail and SignUpsPerAddress bound sign-ups, which send mail.
	SignUpsPerEmail   RateLimit
	SignUpsPerAddress RateLimit
	// ResetsPerEmail and ResetsPerAddress bound forgot-password requests, which send mail.
	ResetsPerEmail   RateLimit
	ResetsPerAddress RateLimit
	// ResetLinksKept is how many unexpired password-reset tokens of one developer stay valid at once; a new
	// one replaces the oldest beyond that, so nobody can cancel a developer's link by asking for more.
	ResetLinksKept int
	// UnverifiedAccountLifetime is how long an account whose address was never verified is kept.
	UnverifiedAccountLifetime time.Duration
}

// DefaultSelfServiceLimits are the limits of a production portal. Five wrong passwords lock only the
// client address that sent them, for fifteen minutes; a hundred within an hour, from anywhere, lock the
// account for an hour: far too few guesses for a password of PasswordMinLength characters that is not on
// the common-password list, and too costly to repeat as a nuisance.
var DefaultSelfServiceLimits = SelfServiceLimits{
	ClientLockout:             DefaultLoginThrottle,
	AccountLockout:            LoginThrottle{MaxFailures: 100, Window: time.Hour, LockFor: time.Hour},
	LoginsPerAccount:          RateLimit{Max: 20, Window: time.Minute},
	LoginsPerAddress:          RateLimit{Max: 60, Window: time.Minute},
	SignUpsPerEmail:           RateLimit{Max: 3, Window: time.Hour},
	SignUpsPerAddress:         RateLimit{Max: 10, Window: time.Hour},
	ResetsPerEmail:            RateLimit{Max: 3, Window: time.Hour},
	ResetsPerAddress:          RateLimit{Max: 10, Window: time.Hour},
	ResetLinksKept:            3,
	UnverifiedAccountLifetime: 7 * 24 * time.Hour,
}
