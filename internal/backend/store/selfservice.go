package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// prefixed qualifies each column of a column list with prefix.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// GetPortalByDomain returns the portal, of any region, whose default domain is domain, or ErrNotFound.
func (t *Tx) GetPortalByDomain(ctx context.Context, domain string) (core.Portal, error) {
	return queryOne(ctx, t, scanPortal, `SELECT `+portalColumns+` FROM portals WHERE default_domain = $1`, domain)
}

// PortalAPI is an API as a portal publishes it.
type PortalAPI struct {
	API         core.API
	Publication core.Publication
}

// PortalAPIs returns one page of the APIs published to a portal, in publication order, and the
// total; private ones only when includePrivate. idOrSlug, when not empty, keeps the API with
// that id or slug.
func (t *Tx) PortalAPIs(ctx context.Context, region, portalID string, includePrivate bool, idOrSlug string, page Page) ([]PortalAPI, int, error) {
	w := &where{}
	w.add("p.region = " + w.arg(region))
	w.add("p.portal_id = " + w.arg(portalID))
	if !includePrivate {
		w.add("p.visibility = " + w.arg(core.VisibilityPublic))
	}
	if idOrSlug != "" {
		arg := w.arg(idOrSlug)
		w.add("(a.id = " + arg + " OR a.slug = " + arg + ")")
	}
	// The ids are read in full before the lookups below, which query again in the transaction.
	ids, total, err := listPage(ctx, t, "portal apis", "p.api_id", `api_publications p JOIN apis a ON a.id = p.api_id`, w,
		` ORDER BY p.created_at, p.api_id`, page, scanString)
	if err != nil {
		return nil, 0, err
	}
	out := make([]PortalAPI, len(ids))
	for i, id := range ids {
		if out[i].API, err = t.GetAPI(ctx, region, id); err != nil {
			return nil, 0, err
		}
		if out[i].Publication, err = t.GetPublication(ctx, region, id, portalID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}
