package web

import (
	"bytes"
	"fmt"
	"html/template"
	"sync"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// cardCache keeps the rendered catalogue entry of each API, keyed by everything the entry shows:
// an edit makes a new key, so an entry is never stale, and the old one is simply not read again.
type cardCache struct {
	mu    sync.Mutex
	max   int
	cards map[apiCard]template.HTML
}

func newCardCache(max int) *cardCache {
	return &cardCache{max: max, cards: map[apiCard]template.HTML{}}
}

// cardCacheSize bounds the entries kept; past it the cache starts afresh, which costs one render
// of each card shown next.
const cardCacheSize = 20000

// list returns the catalogue entries of apis as one piece of HTML, rendering with render those it
// has not seen.
func (c *cardCache) list(apis []service.CatalogueAPI, render func(apiCard) (template.HTML, error)) (template.HTML, error) {
	var b bytes.Buffer
	for _, pa := range apis {
		key := cardOf(pa.API, pa.Publication)
		c.mu.Lock()
		h, ok := c.cards[key]
		c.mu.Unlock()
		if !ok {
			var err error
			if h, err = render(key); err != nil {
				return "", err
			}
			c.mu.Lock()
			if len(c.cards) >= c.max {
				clear(c.cards)
			}
			c.cards[key] = h
			c.mu.Unlock()
		}
		b.WriteString(string(h))
	}
	return template.HTML(b.String()), nil // each entry was produced by html/template
}

// renderCard renders one catalogue entry with the "card" template of the catalogue page.
func (s *Site) renderCard(c apiCard) (template.HTML, error) {
	var buf bytes.Buffer
	if err := s.pages["public/catalogue.html"].ExecuteTemplate(&buf, "card", c); err != nil {
		return "", fmt.Errorf("web: render catalogue entry: %w", err)
	}
	return template.HTML(buf.String()), nil // produced by html/template, escaped there
}
