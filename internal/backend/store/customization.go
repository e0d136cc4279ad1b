package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// GetCustomization returns the portal's customization: core.DefaultCustomization when it was never
// changed. Fields a stored document lacks keep their defaults.
func (t *Tx) GetCustomization(ctx context.Context, portalID string) (core.Customization, error) {
	c := core.DefaultCustomization()
	doc, err := queryOne(ctx, t, scanString, `SELECT document FROM portal_customizations WHERE portal_id = $1`, portalID)
	if errors.Is(err, ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return c, fmt.Errorf("store: portal %s customization: %w", portalID, err)
	}
	return c, nil
}

// PutCustomization stores the portal's customization.
func (t *Tx) PutCustomization(ctx context.Context, region, portalID string, c core.Customization, now time.Time) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return t.exec(ctx, "store customization", `INSERT INTO portal_customizations (portal_id, region, document, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (portal_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
		portalID, region, string(doc), formatTime(now))
}
