package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

const strategyColumns = `id, region, name, display_name, strategy_type, config, labels, principals_enabled,
	owner_portal_id, created_at, updated_at`

// AuthStrategyFilter restricts a strategy list; zero fields do not filter.
type AuthStrategyFilter struct {
	Name         TextFilter
	DisplayName  TextFilter
	StrategyType TextFilter
}

// InsertAuthStrategy stores a new application auth strategy.
func (t *Tx) InsertAuthStrategy(ctx context.Context, s core.AuthStrategy) error {
	config, labels, err := strategyJSON(s)
	if err != nil {
		return err
	}
	return t.exec(ctx, "insert auth strategy", `INSERT INTO auth_strategies (`+strategyColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		s.ID, s.Region, s.Name, s.DisplayName, s.StrategyType, config, labels, s.PrincipalsEnabled,
		s.OwnerPortalID, formatTime(s.CreatedAt), formatTime(s.UpdatedAt))
}

// UpdateAuthStrategy overwrites the mutable fields of a stored strategy.
func (t *Tx) UpdateAuthStrategy(ctx context.Context, s core.AuthStrategy) error {
	config, labels, err := strategyJSON(s)
	if err != nil {
		return err
	}
	return t.execOne(ctx, "update auth strategy", `UPDATE auth_strategies SET name = $1, display_name = $2, config = $3,
		labels = $4, principals_enabled = $5, updated_at = $6 WHERE region = $7 AND id = $8`,
		s.Name, s.DisplayName, config, labels, s.PrincipalsEnabled, formatTime(s.UpdatedAt), s.Region, s.ID)
}

// GetAuthStrategy returns the strategy with id in region, or ErrNotFound.
func (t *Tx) GetAuthStrategy(ctx context.Context, region, id string) (core.AuthStrategy, error) {
	return queryOne(ctx, t, scanStrategy, `SELECT `+strategyColumns+` FROM auth_strategies WHERE region = $1 AND id = $2`, region, id)
}

// ListAuthStrategies returns one page of the region's strategies, sorted by page.Sort and then in
// creation order, and the total count.
func (t *Tx) ListAuthStrategies(ctx context.Context, region string, f AuthStrategyFilter, page Page) ([]core.AuthStrategy, int, error) {
	w := &where{}
	w.add("region = " + w.arg(region))
	w.text("name", f.Name)
	w.text("display_name", f.DisplayName)
	w.text("strategy_type", f.StrategyType)
	return listPage(ctx, t, "auth strategies", strategyColumns, "auth_strategies", w, page.orderBy(AuthStrategySortFields), page, scanStrategy)
}

// DeleteAuthStrategy removes a strategy of the region.
func (t *Tx) DeleteAuthStrategy(ctx context.Context, region, id string) error {
	return t.execOne(ctx, "delete auth strategy", `DELETE FROM auth_strategies WHERE region = $1 AND id = $2`, region, id)
}

// AuthStrategiesOwnedByPortal lists the ids of the strategies the portal created as its default.
func (t *Tx) AuthStrategiesOwnedByPortal(ctx context.Context, region, portalID string) ([]string, error) {
	return queryAll(ctx, t, "strategies owned by portal", scanString,
		`SELECT id FROM auth_strategies WHERE region = $1 AND owner_portal_id = $2`, region, portalID)
}

// CountAuthStrategyPublications returns how many API publications use the strategy.
func (t *Tx) CountAuthStrategyPublications(ctx context.Context, region, strategyID string) (int, error) {
	return t.count(ctx, "count strategy publications", `SELECT COUNT(*) FROM api_publications WHERE region = $1 AND auth_strategy_id = $2`,
		region, strategyID)
}

func strategyJSON(s core.AuthStrategy) (config, labels string, err error) {
	var cfg any = s.KeyAuth
	if s.StrategyType == core.StrategyOpenIDConnect {
		cfg = s.OpenIDConnect
	}
	c, err := json.Marshal(cfg)
	if err != nil {
		return "", "", err
	}
	l, err := json.Marshal(s.Labels)
	if err != nil {
		return "", "", err
	}
	return string(c), string(l), nil
}

func scanStrategy(sc scanner) (core.AuthStrategy, error) {
	var (
		s              core.AuthStrategy
		config, labels string
	)
	err := sc.Scan(&s.ID, &s.Region, &s.Name, &s.DisplayName, &s.StrategyType, &config, &labels,
		&s.PrincipalsEnabled, &s.OwnerPortalID, textTime{&s.CreatedAt}, textTime{&s.UpdatedAt})
	if err != nil {
		return s, err
	}
	switch s.StrategyType {
	case core.StrategyOpenIDConnect:
		// Numbers stay json.Number so that pass-through values come back exactly as given.
		d := json.NewDecoder(bytes.NewReader([]byte(config)))
		d.UseNumber()
		err = d.Decode(&s.OpenIDConnect)
	default:
		err = json.Unmarshal([]byte(config), &s.KeyAuth)
	}
	if err != nil {
		return s, fmt.Errorf("store: auth strategy %s config: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(labels), &s.Labels); err != nil {
		return s, fmt.Errorf("store: auth strategy %s labels: %w", s.ID, err)
	}
	return s, nil
}
