package client

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// The managed application auth plugin, as the server names and tags it.
const (
	ApplicationAuthPluginName = "konnect-application-auth"
	ManagedPluginTag          = "konnect-managed-plugin"
)

// Plugin is a Kong plugin entity of a control plane.
type Plugin struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	Enabled   bool            `json:"enabled"`
	Protocols []string        `json:"protocols"`
	Tags      []string        `json:"tags"`
	// Service is set for a plugin that runs on one service only.
	Service   *EntityRef `json:"service"`
	CreatedAt int64      `json:"created_at"`
	UpdatedAt int64      `json:"updated_at"`
}

// EntityRef is how Kong entities refer to each other.
type EntityRef struct {
	ID string `json:"id"`
}

// IsManagedApplicationAuth reports whether the server owns the plugin to
// enforce an API's application auth strategies.
func (p Plugin) IsManagedApplicationAuth() bool {
	return p.Name == ApplicationAuthPluginName && slices.Contains(p.Tags, ManagedPluginTag)
}

// ApplicationAuthConfig is the configuration of a konnect-application-auth plugin.
type ApplicationAuthConfig struct {
	// Scope ties credentials to one API: the server sets it to the API id.
	Scope        string                    `json:"scope"`
	AuthType     string                    `json:"auth_type"`
	V2Strategies ApplicationAuthStrategies `json:"v2_strategies"`
}

// ApplicationAuthStrategies lists the strategies the plugin accepts, by type.
type ApplicationAuthStrategies struct {
	KeyAuth       []ApplicationAuthKeyAuth `json:"key_auth"`
	OpenIDConnect []ApplicationAuthOIDC    `json:"openid_connect"`
}

// ApplicationAuthKeyAuth is a key-auth strategy as the plugin enforces it.
type ApplicationAuthKeyAuth struct {
	StrategyID string `json:"strategy_id"`
	Config     struct {
		KeyNames []string `json:"key_names"`
	} `json:"config"`
}

// ApplicationAuthOIDC is an OpenID Connect strategy as the plugin enforces it.
type ApplicationAuthOIDC struct {
	StrategyID string          `json:"strategy_id"`
	Config     json.RawMessage `json:"config"`
}

// ApplicationAuthConfig decodes the configuration of a konnect-application-auth plugin.
func (p Plugin) ApplicationAuthConfig() (*ApplicationAuthConfig, error) {
	if p.Name != ApplicationAuthPluginName {
		return nil, fmt.Errorf("plugin %s is a %s plugin, not %s", p.ID, p.Name, ApplicationAuthPluginName)
	}
	var cfg ApplicationAuthConfig
	if err := json.Unmarshal(p.Config, &cfg); err != nil {
		return nil, fmt.Errorf("decoding the configuration of plugin %s: %w", p.ID, err)
	}
	return &cfg, nil
}

// StrategyIDs returns the ids of every strategy the configuration covers, sorted.
func (c ApplicationAuthConfig) StrategyIDs() []string {
	var ids []string
	for _, s := range c.V2Strategies.KeyAuth {
		ids = append(ids, s.StrategyID)
	}
	for _, s := range c.V2Strategies.OpenIDConnect {
		ids = append(ids, s.StrategyID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// KeyNames returns the header and query names under which the key-auth
// strategies accept keys, sorted and without repeats.
func (c ApplicationAuthConfig) KeyNames() []string {
	var names []string
	for _, s := range c.V2Strategies.KeyAuth {
		names = append(names, s.Config.KeyNames...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// ListPlugins returns every plugin of a control plane, global and per service.
func (c *Client) ListPlugins(ctx context.Context, controlPlaneID string) ([]Plugin, error) {
	return kongListAll[Plugin](ctx, c, controlPlanePath(controlPlaneID)+"/core-entities/plugins")
}

// ListServicePlugins returns the plugins that run on one service.
func (c *Client) ListServicePlugins(ctx context.Context, controlPlaneID, serviceID string) ([]Plugin, error) {
	return kongListAll[Plugin](ctx, c, servicePath(controlPlaneID, serviceID)+"/plugins")
}

// ManagedApplicationAuthPlugin returns the managed application auth plugin
// on a service for the given API, or nil when there is none.
func (c *Client) ManagedApplicationAuthPlugin(ctx context.Context, controlPlaneID, serviceID, apiID string) (*Plugin, error) {
	plugins, err := c.ListServicePlugins(ctx, controlPlaneID, serviceID)
	if err != nil {
		return nil, err
	}
	for _, p := range plugins {
		if !p.IsManagedApplicationAuth() {
			continue
		}
		cfg, err := p.ApplicationAuthConfig()
		if err != nil {
			return nil, err
		}
		if cfg.Scope == apiID {
			return &p, nil
		}
	}
	return nil, nil
}
