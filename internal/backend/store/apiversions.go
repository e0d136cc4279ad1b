package store

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const apiVersionColumns = `id, region, api_id, version, spec_type, spec_content, created_at, updated_at`

// APIVersionSortFields are the fields version lists can be sorted by, with their columns.
var APIVersionSortFields = map[string]string{"created_at": "created_at"}

// APIVersionFilter restricts a version list; zero fields do not filter.
type APIVersionFilter struct {
	Type    TextFilter
	Version TextFilter
}

// InsertAPIVersion stores a new API version.
func (t *Tx) InsertAPIVersion(ctx context.Context, v core.APIVersion) error {
	return t.exec(ctx, "insert api version", `INSERT INTO api_versions (`+apiVersionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		v.ID, v.Region, v.APIID, v.Version, v.SpecType, v.SpecContent, formatTime(v.CreatedAt), formatTime(v.UpdatedAt))
}

// UpdateAPIVersion overwrites the version name and specification of a stored version.
func (t *Tx) UpdateAPIVersion(ctx context.Context, v core.APIVersion) error {
	return t.execOne(ctx, "update api version", `UPDATE api_versions SET version = $1, spec_type = $2, spec_content = $3,
		updated_at = $4 WHERE region = $5 AND api_id = $6 AND id = $7`,
		v.Version, v.SpecType, v.SpecContent, formatTime(v.UpdatedAt), v.Region, v.APIID, v.ID)
}

// GetAPIVersion returns the version with id of the API, or ErrNotFound.
func (t *Tx) GetAPIVersion(ctx context.Context, region, apiID, id string) (core.APIVersion, error) {
	return queryOne(ctx, t, scanAPIVersion, `SELECT `+apiVersionColumns+` FROM api_versions
		WHERE region = $1 AND api_id = $2 AND id = $3`, region, apiID, id)
}

// APIVersions returns every version of the API, oldest first.
func (t *Tx) APIVersions(ctx context.Context, region, apiID string) ([]core.APIVersion, error) {
	return queryAll(ctx, t, "list api versions", scanAPIVersion, `SELECT `+apiVersionColumns+` FROM api_versions
		WHERE region = $1 AND api_id = $2`+creationOrder, region, apiID)
}

// ListAPIVersions returns one page of the API's versions and the total count.
func (t *Tx) ListAPIVersions(ctx context.Context, region, apiID string, f APIVersionFilter, page Page) ([]core.APIVersion, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("api_id = " + w.arg(apiID))
	w.text("spec_type", f.Type)
	w.text("version", f.Version)
	return listPage(ctx, t, "api versions", apiVersionColumns, "api_versions", w, page.orderBy(APIVersionSortFields), page, scanAPIVersion)
}

// CountAPIVersions returns how many versions the API has.
func (t *Tx) CountAPIVersions(ctx context.Context, region, apiID string) (int, error) {
	return t.count(ctx, "count api versions", `SELECT COUNT(*) FROM api_versions WHERE region = $1 AND api_id = $2`, region, apiID)
}

// DeleteAPIVersion removes a version.
func (t *Tx) DeleteAPIVersion(ctx context.Context, region, apiID, id string) error {
	return t.execOne(ctx, "delete api version", `DELETE FROM api_versions WHERE region = $1 AND api_id = $2 AND id = $3`,
		region, apiID, id)
}

func scanAPIVersion(s scanner) (core.APIVersion, error) {
	var v core.APIVersion
	err := s.Scan(&v.ID, &v.Region, &v.APIID, &v.Version, &v.SpecType, &v.SpecContent,
		textTime{&v.CreatedAt}, textTime{&v.UpdatedAt})
	return v, err
}
