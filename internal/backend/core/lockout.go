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
