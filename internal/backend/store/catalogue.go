package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// CatalogueFilter selects the APIs of a portal's catalogue.
type CatalogueFilter struct {
	// IncludePrivate keeps privately published APIs too.
	IncludePrivate bool
	// Query, when not empty, keeps the APIs whose name or description contains it, ignoring the case of ASCII letters.
	Query string
	// IDOrSlug, when not empty, keeps the API with that id or slug.
	IDOrSlug string
}

// CatalogueAPIs returns one page of the APIs published to a portal, by name, with their
// publications, and how many match in all; one query, so that a catalogue of a thousand APIs
// costs no more than a page of them.
func (t *Tx) CatalogueAPIs(ctx context.Context, region, portalID string, f CatalogueFilter, page Page) ([]PortalAPI, int, error) {
	w := &where{}
	w.add("p.region = " + w.arg(region))
	w.add("p.portal_id = " + w.arg(portalID))
	if !f.IncludePrivate {
		w.add("p.visibility = " + w.arg(core.VisibilityPublic))
	}
	if f.IDOrSlug != "" {
		arg := w.arg(f.IDOrSlug)
		w.add("(a.id = " + arg + " OR a.slug = " + arg + ")")
	}
	if f.Query != "" {
		arg := w.arg(containsPattern(f.Query))
		w.add("(" + w.containsArg("a.name", arg) + " OR " + w.containsArg("COALESCE(a.description, '')", arg) + ")")
	}
	columns := prefixed("a.", apiColumns) + ", " + prefixed("p.", publicationColumns)
	return listPage(ctx, t, "catalogue", columns, `api_publications p JOIN apis a ON a.id = p.api_id`, w,
		` ORDER BY a.name, a.version_key, a.id`, page, func(s scanner) (PortalAPI, error) {
			var pa PortalAPI
			p := &pa.Publication
			var err error
			pa.API, err = scanAPI(scanWithExtra{s, []any{&p.APIID, &p.PortalID, &p.Region, &p.AuthStrategyID,
				&p.Visibility, &p.AutoApproveRegistrations, textTime{&p.CreatedAt}, textTime{&p.UpdatedAt}}})
			return pa, err
		})
}

// scanWithExtra scans a row whose leading columns one scan function reads and whose trailing
// columns go to extra, so that a joined row reuses the scan functions of its tables.
type scanWithExtra struct {
	s     scanner
	extra []any
}

func (e scanWithExtra) Scan(dest ...any) error { return e.s.Scan(append(dest, e.extra...)...) }
