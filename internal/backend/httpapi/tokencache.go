package httpapi

import (
	"sync"
	"time"
)

// Admin tokens confirmed by the store are remembered for adminTokenTTL, at most
// maxCachedAdminTokens of them: looking the token up on every request was about a third of the
// CPU of reading one object. Tokens are replaced only when a server starts with another
// bootstrap token; the short lifetime bounds how long another replica still accepts the
// replaced one. Unknown tokens are not remembered, so that guessing fills nothing.
const (
	adminTokenTTL        = 5 * time.Second
	maxCachedAdminTokens = 256
)

// adminTokenCache holds the hashes of recently confirmed admin tokens and when each
// confirmation lapses. It is keyed by the SHA-256 of the token, so a lookup reveals nothing
// about how much of a guessed token matched.
type adminTokenCache struct {
	mu    sync.RWMutex
	until map[string]time.Time
}

// valid reports whether hash was confirmed less than adminTokenTTL before now.
func (c *adminTokenCache) valid(hash string, now time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	until, ok := c.until[hash]
	return ok && now.Before(until)
}

// remember records that the store confirmed hash at now. When the cache is full, lapsed
// entries go first, and everything when none has lapsed.
func (c *adminTokenCache) remember(hash string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.until == nil {
		c.until = map[string]time.Time{}
	}
	if _, ok := c.until[hash]; !ok && len(c.until) >= maxCachedAdminTokens {
		for h, until := range c.until {
			if !now.Before(until) {
				delete(c.until, h)
			}
		}
		if len(c.until) >= maxCachedAdminTokens {
			clear(c.until)
		}
	}
	c.until[hash] = now.Add(adminTokenTTL)
}
