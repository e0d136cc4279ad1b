package web

import (
	"container/list"
	"html/template"
	"sync"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// specCache keeps the reference of the most recently shown API versions, so that a page view does
// not parse the specification again. A version is known by its id and the time it was last
// changed: a new specification is a new key, and the old entry ages out.
type specCache struct {
	mu  sync.Mutex
	max int
	// maxBytes bounds the memory the entries take, estimated by the size of their specifications
	// and rendered sections; the least recently used go first.
	maxBytes, bytes int
	order           *list.List // of specKey, most recently used first
	entries         map[specKey]*specEntry
}

type specKey struct {
	id      string
	updated time.Time
}

type specEntry struct {
	ref *apispec.Reference
	el  *list.Element
	// html is the reference rendered for each set of the portal's renderer options it was shown
	// with: the section depends on nothing else, so a page view only copies it.
	html map[core.SpecRenderer]template.HTML
	// size is the entry's share of specCache.bytes.
	size int
}

func newSpecCache(max, maxBytes int) *specCache {
	return &specCache{max: max, maxBytes: maxBytes, order: list.New(), entries: map[specKey]*specEntry{}}
}

// reference returns the reference of version v, parsing its specification on first use. A
// specification that no longer parses (the rules changed since it was stored) gives nil, and the
// page says the reference cannot be shown.
func (c *specCache) reference(v core.APIVersion) *apispec.Reference {
	return c.entry(v).ref
}

// html returns the reference of version v rendered with the renderer options o, rendering it with
// render on first use; "" when the specification does not parse.
func (c *specCache) html(v core.APIVersion, o core.SpecRenderer, render func(*apispec.Reference, core.SpecRenderer) (template.HTML, error)) (template.HTML, error) {
	e := c.entry(v)
	if e.ref == nil {
		return "", nil
	}
	c.mu.Lock()
	h, ok := e.html[o]
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := render(e.ref, o)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := e.html[o]; !ok {
		e.html[o] = h
		if _, cached := c.entries[specKey{v.ID, v.UpdatedAt}]; cached {
			e.size += len(h)
			c.bytes += len(h)
			c.evict()
		}
	}
	return h, nil
}

// entry returns the cache entry of version v, parsing its specification on first use.
func (c *specCache) entry(v core.APIVersion) *specEntry {
	key := specKey{v.ID, v.UpdatedAt}
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e.el)
		c.mu.Unlock()
		return e
	}
	c.mu.Unlock()

	// Parsed outside the lock: two first views of one version may both parse it, which costs less
	// than making every other page wait.
	var ref *apispec.Reference
	if doc, err := apispec.Parse([]byte(v.SpecContent)); err == nil {
		r := doc.Reference()
		ref = &r
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		return e
	}
	// The parsed model takes a few times the text's size.
	e := &specEntry{ref: ref, el: c.order.PushFront(key), html: map[core.SpecRenderer]template.HTML{}, size: 3 * len(v.SpecContent)}
	c.entries[key] = e
	c.bytes += e.size
	c.evict()
	return e
}

// evict drops the least recently used entries while the cache is over its bounds, keeping the
// newest one whatever its size.
func (c *specCache) evict() {
	for c.order.Len() > 1 && (c.order.Len() > c.max || c.bytes > c.maxBytes) {
		oldest := c.order.Back()
		key := oldest.Value.(specKey)
		c.bytes -= c.entries[key].size
		c.order.Remove(oldest)
		delete(c.entries, key)
	}
}
