package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Strategy types.
const (
	StrategyTypeKeyAuth       = "key_auth"
	StrategyTypeOpenIDConnect = "openid_connect"
)

// TTL units of key-auth strategies.
const (
	TTLUnitDays  = "days"
	TTLUnitWeeks = "weeks"
	TTLUnitYears = "years"
)

// AuthStrategy is an application auth strategy as the API returns it.
type AuthStrategy struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	DisplayName  string               `json:"display_name"`
	StrategyType string               `json:"strategy_type"`
	Configs      AuthStrategyConfigs  `json:"configs"`
	Active       bool                 `json:"active"`
	DCRProvider  *AuthStrategyDCRLink `json:"dcr_provider"`
	Labels       map[string]string    `json:"labels"`
	CreatedAt    time.Time            `json:"created_at"`
	UpdatedAt    time.Time            `json:"updated_at"`
}

// AuthStrategyDCRLink names the DCR provider an OIDC strategy uses.
type AuthStrategyDCRLink struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DisplayName  string `json:"display_name,omitempty"`
	ProviderType string `json:"provider_type"`
}

// AuthStrategyConfigs holds the configuration of exactly one strategy type.
type AuthStrategyConfigs struct {
	KeyAuth       *KeyAuthConfig       `json:"key-auth,omitempty"`
	OpenIDConnect *OpenIDConnectConfig `json:"openid-connect,omitempty"`
}

// KeyAuthConfig configures a key-auth strategy.
type KeyAuthConfig struct {
	KeyNames []string `json:"key_names,omitempty"`
	TTL      *KeyTTL  `json:"ttl,omitempty"`
}

// KeyTTL is the default maximum lifetime of keys issued under a strategy.
type KeyTTL struct {
	Value int64  `json:"value"`
	Unit  string `json:"unit"`
}

// OpenIDConnectConfig configures an OpenID Connect strategy. Properties other
// than the four named ones are carried in AdditionalProperties and passed to
// the gateway plugin as they are.
type OpenIDConnectConfig struct {
	Issuer               string
	CredentialClaim      []string
	Scopes               []string
	AuthMethods          []string
	AdditionalProperties map[string]json.RawMessage
}

var oidcNamedProperties = []string{"issuer", "credential_claim", "scopes", "auth_methods"}

// MarshalJSON flattens the additional properties next to the named ones.
func (c OpenIDConnectConfig) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(c.AdditionalProperties)+4)
	for k, v := range c.AdditionalProperties {
		m[k] = v
	}
	m["issuer"] = c.Issuer
	m["credential_claim"] = nonNil(c.CredentialClaim)
	m["scopes"] = nonNil(c.Scopes)
	m["auth_methods"] = nonNil(c.AuthMethods)
	return json.Marshal(m)
}

// UnmarshalJSON splits the named properties from the additional ones.
func (c *OpenIDConnectConfig) UnmarshalJSON(data []byte) error {
	var named struct {
		Issuer          string   `json:"issuer"`
		CredentialClaim []string `json:"credential_claim"`
		Scopes          []string `json:"scopes"`
		AuthMethods     []string `json:"auth_methods"`
	}
	if err := json.Unmarshal(data, &named); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	for _, k := range oidcNamedProperties {
		delete(all, k)
	}
	if len(all) == 0 {
		all = nil
	}
	*c = OpenIDConnectConfig{
		Issuer:               named.Issuer,
		CredentialClaim:      named.CredentialClaim,
		Scopes:               named.Scopes,
		AuthMethods:          named.AuthMethods,
		AdditionalProperties: all,
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateAuthStrategyRequest is the body of a strategy creation; Configs must
// hold the configuration matching StrategyType.
type CreateAuthStrategyRequest struct {
	Name         string              `json:"name"`
	DisplayName  string              `json:"display_name"`
	StrategyType string              `json:"strategy_type"`
	Configs      AuthStrategyConfigs `json:"configs"`
	Labels       map[string]string   `json:"labels,omitempty"`
}

// UpdateAuthStrategyRequest is the body of a strategy PATCH: only set fields
// change. A label mapped to nil is removed. The strategy type cannot change.
type UpdateAuthStrategyRequest struct {
	Name        *string                    `json:"name,omitempty"`
	DisplayName *string                    `json:"display_name,omitempty"`
	Labels      map[string]*string         `json:"labels,omitempty"`
	Configs     *UpdateAuthStrategyConfigs `json:"configs,omitempty"`
}

// UpdateAuthStrategyConfigs holds the configuration change of one strategy type.
type UpdateAuthStrategyConfigs struct {
	KeyAuth       *UpdateKeyAuthConfig `json:"key-auth,omitempty"`
	OpenIDConnect *OpenIDConnectConfig `json:"openid-connect,omitempty"`
}

// UpdateKeyAuthConfig changes a key-auth configuration; a null TTL removes it.
type UpdateKeyAuthConfig struct {
	KeyNames []string         `json:"key_names,omitempty"`
	TTL      Nullable[KeyTTL] `json:"ttl,omitzero"`
}

func strategyPath(id string) string {
	return "/v2/application-auth-strategies/" + url.PathEscape(id)
}

// ListAuthStrategies returns one page of the application auth strategies of the client's region.
func (c *Client) ListAuthStrategies(ctx context.Context, opts ListOptions) (*Page[AuthStrategy], error) {
	var page Page[AuthStrategy]
	if err := c.do(ctx, http.MethodGet, "/v2/application-auth-strategies", opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// FindAuthStrategiesByName returns every strategy named name, across all pages.
func (c *Client) FindAuthStrategiesByName(ctx context.Context, name string) ([]AuthStrategy, error) {
	all, err := listAll(ctx, ListOptions{Name: name}, c.ListAuthStrategies)
	if err != nil {
		return nil, err
	}
	matches := all[:0]
	for _, s := range all {
		if s.Name == name {
			matches = append(matches, s)
		}
	}
	return matches, nil
}

// GetAuthStrategy returns the strategy with the given id.
func (c *Client) GetAuthStrategy(ctx context.Context, id string) (*AuthStrategy, error) {
	var s AuthStrategy
	if err := c.do(ctx, http.MethodGet, strategyPath(id), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateAuthStrategy creates a strategy.
func (c *Client) CreateAuthStrategy(ctx context.Context, req CreateAuthStrategyRequest) (*AuthStrategy, error) {
	if err := req.Configs.check(req.StrategyType); err != nil {
		return nil, err
	}
	var s AuthStrategy
	if err := c.do(ctx, http.MethodPost, "/v2/application-auth-strategies", nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// UpdateAuthStrategy changes the fields set in req.
func (c *Client) UpdateAuthStrategy(ctx context.Context, id string, req UpdateAuthStrategyRequest) (*AuthStrategy, error) {
	var s AuthStrategy
	if err := c.do(ctx, http.MethodPatch, strategyPath(id), nil, req, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteAuthStrategy deletes a strategy. The server refuses (409) while a
// portal or an API publication uses it.
func (c *Client) DeleteAuthStrategy(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, strategyPath(id), nil, nil, nil)
}

// check catches a configuration that does not match its strategy type before
// it reaches the server.
func (c AuthStrategyConfigs) check(strategyType string) error {
	switch {
	case strategyType == StrategyTypeKeyAuth && c.KeyAuth != nil && c.OpenIDConnect == nil,
		strategyType == StrategyTypeOpenIDConnect && c.OpenIDConnect != nil && c.KeyAuth == nil:
		return nil
	}
	return fmt.Errorf("strategy type %q needs exactly its own configuration block", strategyType)
}
