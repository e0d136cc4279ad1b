package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const apiColumns = `id, region, name, version, description, slug, labels, attributes, created_at, updated_at`

// APISortFields are the fields API lists can be sorted by, with their columns.
var APISortFields = map[string]string{"name": "name", "version": "version", "created_at": "created_at", "updated_at": "updated_at"}

// APIFilter restricts an API list; zero fields do not filter.
type APIFilter struct {
	ID      TextFilter
	Name    TextFilter
	Version TextFilter
}

// InsertAPI stores a new API.
func (t *Tx) InsertAPI(ctx context.Context, a core.API) error {
	labels, attrs, err := apiJSON(a)
	if err != nil {
		return err
	}
	return t.exec(ctx, "insert api", `INSERT INTO apis (`+apiColumns+`, version_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.Region, a.Name, a.Version, a.Description, a.Slug, labels, attrs,
		formatTime(a.CreatedAt), formatTime(a.UpdatedAt), core.APIVersionKey(a.Version))
}

// UpdateAPI overwrites the mutable fields of a stored API.
func (t *Tx) UpdateAPI(ctx context.Context, a core.API) error {
	labels, attrs, err := apiJSON(a)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "update api", `UPDATE apis SET name = $1, version = $2, version_key = $3, description = $4,
		slug = $5, labels = $6, attributes = $7, updated_at = $8 WHERE region = $9 AND id = $10`,
		a.Name, a.Version, core.APIVersionKey(a.Version), a.Description, a.Slug, labels, attrs,
		formatTime(a.UpdatedAt), a.Region, a.ID)
}

// GetAPI returns the API with id in region, or ErrNotFound.
func (t *Tx) GetAPI(ctx context.Context, region, id string) (core.API, error) {
	return queryOne(ctx, t, scanAPI, `SELECT `+apiColumns+` FROM apis WHERE region = $1 AND id = $2`, region, id)
}

// APINameTaken reports whether another API of the region (not exceptID) has this name and version.
func (t *Tx) APINameTaken(ctx context.Context, region, name string, version *string, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "apis.name", region, name, core.APIVersionKey(version)); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check api name", `SELECT COUNT(*) FROM apis WHERE region = $1 AND name = $2 AND version_key = $3 AND id <> $4`,
		region, name, core.APIVersionKey(version), exceptID)
	return n > 0, err
}

// APISlugTaken reports whether another API of the region (not exceptID) has this slug.
func (t *Tx) APISlugTaken(ctx context.Context, region, slug, exceptID string) (bool, error) {
	if err := t.lockValue(ctx, "apis.slug", region, slug); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check api slug", `SELECT COUNT(*) FROM apis WHERE region = $1 AND slug = $2 AND id <> $3`,
		region, slug, exceptID)
	return n > 0, err
}

// ListAPIs returns one page of the region's APIs, sorted by page.Sort and then in creation order,
// and the total count.
func (t *Tx) ListAPIs(ctx context.Context, region string, f APIFilter, page Page) ([]core.API, int, error) {
	return listPage(ctx, t, "apis", apiColumns, "apis", apiListWhere(region, f), page.orderBy(APISortFields), page, scanAPI)
}

func apiListWhere(region string, f APIFilter) *where {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("id", f.ID)
	w.text("name", f.Name)
	w.text("version", f.Version)
	return w
}

// apiFlagsColumn follows apiColumns where an answer shows an API's extras: bits that say
// whether it is published (1), linked (2) and versioned (4), each one index lookup, so that the
// follow-up queries read only the APIs that have some (most have none) and a GET of one API
// usually needs no other query. One column rather than three, as SQLite's driver pays for each
// column of each row.
const apiFlagsColumn = `,
	CASE WHEN EXISTS (SELECT 1 FROM api_publications ap WHERE ap.api_id = apis.id) THEN 1 ELSE 0 END +
	CASE WHEN EXISTS (SELECT 1 FROM api_implementations ai WHERE ai.api_id = apis.id) THEN 2 ELSE 0 END +
	CASE WHEN EXISTS (SELECT 1 FROM api_versions av WHERE av.api_id = apis.id) THEN 4 ELSE 0 END`

// apiRow is an API with the flags of apiFlagsColumn.
type apiRow struct {
	api                               core.API
	published, implemented, versioned bool
}

func scanAPIRow(s scanner) (apiRow, error) {
	var (
		r     apiRow
		flags int64
		err   error
	)
	r.api, err = scanAPI(scanAlso{s, []any{&flags}})
	r.published, r.implemented, r.versioned = flags&1 != 0, flags&2 != 0, flags&4 != 0
	return r, err
}

// scanAlso scans the columns that follow those its caller names into more.
type scanAlso struct {
	s    scanner
	more []any
}

func (a scanAlso) Scan(dest ...any) error { return a.s.Scan(append(dest, a.more...)...) }

// GetAPIWithExtras is GetAPI with the API's extras.
func (t *Tx) GetAPIWithExtras(ctx context.Context, region, id string) (core.API, APIExtras, error) {
	r, err := queryOne(ctx, t, scanAPIRow, `SELECT `+apiColumns+apiFlagsColumn+` FROM apis WHERE region = $1 AND id = $2`, region, id)
	if err != nil {
		return core.API{}, APIExtras{}, err
	}
	apis, extras, err := t.extrasOfRows(ctx, []apiRow{r})
	if err != nil {
		return core.API{}, APIExtras{}, err
	}
	return apis[0], extras[0], nil
}

// GetAPIView is GetAPIWithExtras in a read of its own. An API without publications and versions,
// the most common, is read in one statement outside any transaction, one snapshot by itself,
// saving the transaction's begin and commit (two round trips on PostgreSQL); others are read
// again in a read transaction, so that the API and its extras come from one snapshot. Under a
// context from Hold it reads in the held transaction.
func (s *Store) GetAPIView(ctx context.Context, region, id string) (core.API, APIExtras, error) {
	if s.heldIn(ctx) == nil {
		r, err := queryOne(ctx, s.outsideTx(), scanAPIRow, `SELECT `+apiColumns+apiFlagsColumn+` FROM apis WHERE region = $1 AND id = $2`, region, id)
		if err != nil {
			return core.API{}, APIExtras{}, err
		}
		if !r.published && !r.versioned {
			return r.api, APIExtras{Implemented: r.implemented}, nil
		}
	}
	var (
		api    core.API
		extras APIExtras
	)
	err := s.View(ctx, func(tx *Tx) error {
		var err error
		api, extras, err = tx.GetAPIWithExtras(ctx, region, id)
		return err
	})
	return api, extras, err
}

// ListAPIsWithExtras is ListAPIs with the extras of each listed API, in the same order.
func (t *Tx) ListAPIsWithExtras(ctx context.Context, region string, f APIFilter, page Page) ([]core.API, []APIExtras, int, error) {
	w := apiListWhere(region, f)
	rows, total, err := listPage(ctx, t, "apis", apiColumns+apiFlagsColumn, "apis", w, page.orderBy(APISortFields), page, scanAPIRow)
	if err != nil {
		return nil, nil, 0, err
	}
	apis, extras, err := t.extrasOfRows(ctx, rows)
	return apis, extras, total, err
}

// extrasOfRows reads the portals and versions of the rows whose flags say they have some.
func (t *Tx) extrasOfRows(ctx context.Context, rows []apiRow) ([]core.API, []APIExtras, error) {
	apis := make([]core.API, len(rows))
	extras := make([]APIExtras, len(rows))
	var published, versioned []string
	for i, r := range rows {
		apis[i] = r.api
		extras[i].Implemented = r.implemented
		if r.published {
			published = append(published, r.api.ID)
		}
		if r.versioned {
			versioned = append(versioned, r.api.ID)
		}
	}
	if len(published) == 0 && len(versioned) == 0 {
		return apis, extras, nil
	}
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		index[r.api.ID] = i
	}
	if len(published) > 0 {
		portals, err := t.portalsOfAPIs(ctx, published)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range portals {
			x := &extras[index[p.apiID]]
			x.Portals = append(x.Portals, p.portal)
		}
	}
	if len(versioned) > 0 {
		versions, err := t.versionsOfAPIs(ctx, versioned)
		if err != nil {
			return nil, nil, err
		}
		for _, v := range versions {
			x := &extras[index[v.apiID]]
			x.VersionIDs = append(x.VersionIDs, v.id)
		}
	}
	return apis, extras, nil
}

// DeleteAPI removes an API and, through the schema, its publications and its service link.
func (t *Tx) DeleteAPI(ctx context.Context, region, id string) error {
	return t.execOne(ctx, "delete api", `DELETE FROM apis WHERE region = $1 AND id = $2`, region, id)
}

// APIPortals lists the portals an API is published to, in publication order.
func (t *Tx) APIPortals(ctx context.Context, region, apiID string) ([]core.Portal, error) {
	return queryAll(ctx, t, "api portals", func(s scanner) (core.Portal, error) {
		var p core.Portal
		err := s.Scan(&p.ID, &p.Name, &p.DisplayName)
		return p, err
	}, `SELECT p.id, p.name, p.display_name FROM api_publications ap
		JOIN portals p ON p.id = ap.portal_id
		WHERE ap.region = $1 AND ap.api_id = $2 ORDER BY ap.created_at, p.id`, region, apiID)
}

func apiJSON(a core.API) (labels, attrs string, err error) {
	l, err := json.Marshal(a.Labels)
	if err != nil {
		return "", "", err
	}
	at, err := json.Marshal(a.Attributes)
	if err != nil {
		return "", "", err
	}
	return string(l), string(at), nil
}

func scanAPI(s scanner) (core.API, error) {
	var (
		a             core.API
		labels, attrs string
	)
	err := s.Scan(&a.ID, &a.Region, &a.Name, &a.Version, &a.Description, &a.Slug, &labels, &attrs,
		textTime{&a.CreatedAt}, textTime{&a.UpdatedAt})
	if err != nil {
		return core.API{}, err
	}
	// Most APIs have no attributes: "{}" is read without the JSON decoder, which was a tenth of a
	// list's CPU; so are labels as json.Marshal writes them.
	if l, ok := decodeLabels(labels); ok {
		a.Labels = l
	} else if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
		return core.API{}, fmt.Errorf("store: api %s labels: %w", a.ID, err)
	}
	if attrs == "{}" {
		a.Attributes = map[string][]string{}
	} else if err := json.Unmarshal([]byte(attrs), &a.Attributes); err != nil {
		return core.API{}, fmt.Errorf("store: api %s attributes: %w", a.ID, err)
	}
	return a, nil
}

// APIExtras is what an API's answer shows beyond the API itself.
type APIExtras struct {
	Portals     []core.Portal // where it is published, in publication order (id and names only)
	Implemented bool          // whether a service is linked to it
	VersionIDs  []string      // its versions, in creation order
}

// APIExtrasOf returns the extras of each of the region's APIs ids, keyed by id, in three queries
// however many ids there are: a list answer used to cost three queries per listed API.
func (t *Tx) APIExtrasOf(ctx context.Context, region string, ids []string) (map[string]*APIExtras, error) {
	out := make(map[string]*APIExtras, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		out[id] = &APIExtras{}
	}
	w := &where{}
	w.add("region = " + w.arg(region))
	w.in("api_id", ids)
	portals, err := t.portalsOfAPIs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range portals {
		out[p.apiID].Portals = append(out[p.apiID].Portals, p.portal)
	}
	linked, err := queryAll(ctx, t, "api implementations", scanString,
		`SELECT api_id FROM api_implementations WHERE `+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	for _, id := range linked {
		out[id].Implemented = true
	}
	versions, err := t.versionsOfAPIs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		out[v.apiID].VersionIDs = append(out[v.apiID].VersionIDs, v.id)
	}
	return out, nil
}

type portalOf struct {
	apiID  string
	portal core.Portal
}

// portalsOfAPIs lists the portals the APIs ids (all of one region) are published to, in
// publication order.
func (t *Tx) portalsOfAPIs(ctx context.Context, ids []string) ([]portalOf, error) {
	// The ids were read from the region; a condition on ap.region would lead SQLite to read
	// every publication of the region instead of looking the ids up.
	pub := &where{}
	pub.in("ap.api_id", ids)
	return queryAll(ctx, t, "api portals", func(s scanner) (portalOf, error) {
		var p portalOf
		err := s.Scan(&p.apiID, &p.portal.ID, &p.portal.Name, &p.portal.DisplayName)
		return p, err
	}, `SELECT ap.api_id, p.id, p.name, p.display_name FROM api_publications ap
		JOIN portals p ON p.id = ap.portal_id
		WHERE `+pub.String()+` ORDER BY ap.created_at, p.id`, pub.args...)
}

type versionOf struct{ apiID, id string }

// versionsOfAPIs lists the versions of the APIs ids (all of one region), in creation order.
func (t *Tx) versionsOfAPIs(ctx context.Context, ids []string) ([]versionOf, error) {
	w := &where{}
	w.in("api_id", ids)
	return queryAll(ctx, t, "api versions", func(s scanner) (versionOf, error) {
		var v versionOf
		err := s.Scan(&v.apiID, &v.id)
		return v, err
	}, `SELECT api_id, id FROM api_versions WHERE `+w.String()+creationOrder, w.args...)
}
