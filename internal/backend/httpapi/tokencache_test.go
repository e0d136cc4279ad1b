package httpapi

import (
	"fmt"
	"testing"
	"time"
)

func TestAdminTokenCache(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name string
		at   time.Duration // after remembering "a" at t0
		hash string
		want bool
	}{
		{"confirmed token at once", 0, "a", true},
		{"confirmed token within the lifetime", adminTokenTTL - time.Nanosecond, "a", true},
		{"confirmed token once the lifetime lapsed", adminTokenTTL, "a", false},
		{"token never confirmed", 0, "b", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c adminTokenCache
			c.remember("a", t0)
			if got := c.valid(tc.hash, t0.Add(tc.at)); got != tc.want {
				t.Errorf("valid(%q) %s after remembering a = %v, want %v", tc.hash, tc.at, got, tc.want)
			}
		})
	}
}

func TestAdminTokenCacheStaysBounded(t *testing.T) {
	var c adminTokenCache
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 10 * maxCachedAdminTokens {
		c.remember(fmt.Sprint(i), t0)
		if n := len(c.until); n > maxCachedAdminTokens {
			t.Fatalf("after %d tokens the cache holds %d, more than %d", i+1, n, maxCachedAdminTokens)
		}
	}
	last := fmt.Sprint(10*maxCachedAdminTokens - 1)
	if !c.valid(last, t0) {
		t.Errorf("the token remembered last is not valid")
	}
	// Lapsed entries make room before live ones are dropped.
	c = adminTokenCache{}
	c.remember("old", t0)
	later := t0.Add(adminTokenTTL)
	for i := range maxCachedAdminTokens - 1 {
		c.remember(fmt.Sprint(i), later)
	}
	c.remember("new", later)
	if !c.valid("0", later) || !c.valid("new", later) || len(c.until) != maxCachedAdminTokens {
		t.Errorf("a full cache with one lapsed entry dropped live entries: %d held", len(c.until))
	}
}
