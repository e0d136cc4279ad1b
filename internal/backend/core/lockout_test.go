package core

import (
	"testing"
	"time"
)

func TestLoginThrottleCheck(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	at := func(minutes ...float64) []time.Time {
		var ts []time.Time
		for _, m := range minutes {
			ts = append(ts, t0.Add(time.Duration(m*float64(time.Minute))))
		}
		return ts
	}
	tm := func(m float64) time.Time { return t0.Add(time.Duration(m * float64(time.Minute))) }

	tests := []struct {
		name     string
		policy   LoginThrottle
		failures []time.Time
		now      time.Time
		// wantUntil is the zero time when the attempt is allowed.
		wantUntil time.Time
	}{
		{name: "no failures", now: tm(0)},
		{name: "four failures", failures: at(0, 1, 2, 3), now: tm(4)},
		{name: "fifth failure locks", failures: at(0, 1, 2, 3, 4), now: tm(5), wantUntil: tm(19)},
		{name: "order does not matter", failures: at(4, 0, 3, 1, 2), now: tm(5), wantUntil: tm(19)},
		{name: "still locked just before the end", failures: at(0, 1, 2, 3, 4), now: tm(18.99), wantUntil: tm(19)},
		{name: "unlocked at the end", failures: at(0, 1, 2, 3, 4), now: tm(19)},
		{name: "five failures spread over more than the window", failures: at(0, 4, 8, 12, 15), now: tm(16)},
		{name: "window excludes its start", failures: at(0, 5, 10, 14, 15), now: tm(16)},
		{name: "five within the window at the end of a longer run", failures: at(0, 4, 8, 12, 15, 16), now: tm(17), wantUntil: tm(31)},
		{name: "failures long ago", failures: at(0, 1, 2, 3, 4), now: tm(60)},
		{
			name:      "a later lock extends an earlier one",
			failures:  at(0, 1, 2, 3, 4, 10),
			now:       tm(20),
			wantUntil: tm(25),
		},
		{
			name:      "custom policy",
			policy:    LoginThrottle{MaxFailures: 3, Window: time.Minute, LockFor: time.Hour},
			failures:  at(0, 0.5, 0.9),
			now:       tm(30),
			wantUntil: tm(60.9),
		},
		{
			name:     "custom policy, too slow to lock",
			policy:   LoginThrottle{MaxFailures: 3, Window: time.Minute, LockFor: time.Hour},
			failures: at(0, 0.5, 1),
			now:      tm(1.5),
		},
		{
			name:     "disabled",
			policy:   LoginThrottle{},
			failures: at(0, 0, 0, 0, 0, 0, 0, 0),
			now:      tm(0),
		},
		{
			name:      "same instant failures count separately",
			failures:  at(3, 3, 3, 3, 3),
			now:       tm(3),
			wantUntil: tm(18),
		},
		{
			name:      "zero window counts only simultaneous failures",
			policy:    LoginThrottle{MaxFailures: 1, LockFor: time.Minute},
			failures:  at(2),
			now:       tm(2.5),
			wantUntil: tm(3),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := tt.policy
			if policy == (LoginThrottle{}) && tt.name != "disabled" {
				policy = DefaultLoginThrottle
			}
			got := policy.Check(tt.failures, tt.now)
			want := LoginThrottleDecision{Allowed: tt.wantUntil.IsZero(), LockedUntil: tt.wantUntil}
			if got.Allowed != want.Allowed || !got.LockedUntil.Equal(want.LockedUntil) {
				t.Errorf("Check() = %+v, want %+v", got, want)
			}
		})
	}
}

func TestLoginThrottleRetainAfter(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	cutoff := DefaultLoginThrottle.RetainAfter(now)
	if want := now.Add(-30 * time.Minute); !cutoff.Equal(want) {
		t.Fatalf("RetainAfter() = %v, want %v", cutoff, want)
	}
	// Five failures that lock until a nanosecond after now, the earliest as close to the cutoff as the
	// window allows, plus one exactly at the cutoff: dropping what RetainAfter allows keeps the lock.
	first := cutoff.Add(2 * time.Nanosecond)
	failures := []time.Time{cutoff, first, first, first, first, cutoff.Add(15*time.Minute + time.Nanosecond)}
	var kept []time.Time
	for _, f := range failures {
		if f.After(cutoff) {
			kept = append(kept, f)
		}
	}
	all, pruned := DefaultLoginThrottle.Check(failures, now), DefaultLoginThrottle.Check(kept, now)
	if all != pruned || all.Allowed {
		t.Errorf("Check(all) = %+v, Check(pruned) = %+v; want the same lock", all, pruned)
	}
}

func TestRateLimitCheck(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	tm := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	limit := RateLimit{Max: 3, Window: time.Minute}
	tests := []struct {
		name   string
		limit  RateLimit
		events []time.Time
		now    time.Time
		want   time.Duration
	}{
		{name: "no events", limit: limit, now: tm(0)},
		{name: "below the limit", limit: limit, events: []time.Time{tm(0), tm(1)}, now: tm(2)},
		{name: "at the limit", limit: limit, events: []time.Time{tm(0), tm(10), tm(20)}, now: tm(30), want: 30 * time.Second},
		{name: "order does not matter", limit: limit, events: []time.Time{tm(20), tm(0), tm(10)}, now: tm(30), want: 30 * time.Second},
		{name: "oldest left the window", limit: limit, events: []time.Time{tm(0), tm(10), tm(20)}, now: tm(60)},
		{name: "over the limit waits for enough to leave", limit: limit,
			events: []time.Time{tm(0), tm(5), tm(10), tm(20)}, now: tm(30), want: 35 * time.Second},
		{name: "disabled", events: []time.Time{tm(0), tm(1), tm(2)}, now: tm(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.limit.Check(tt.events, tt.now); got != tt.want {
				t.Fatalf("Check() = %v, want %v", got, tt.want)
			}
		})
	}
}
