package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// NodeConfig is everything a gateway node of a control plane needs to route and enforce traffic
// without further calls: the control plane's services, routes and plugins, and the applications
// that may present credentials to them. It is an extension of the Konnect API, served at
// /v2/control-planes/{controlPlaneId}/node-config.
type NodeConfig struct {
	ControlPlaneID string `json:"control_plane_id"`
	Region         string `json:"region"`
	// ConfigHash identifies the content: equal hashes mean equal configurations. It is also the
	// response's ETag and what /expected-config-hash answers.
	ConfigHash string           `json:"config_hash"`
	Services   []GatewayService `json:"services"`
	Routes     []GatewayRoute   `json:"routes"`
	// Plugins holds every plugin of the control plane, the managed application auth plugins
	// among them; a plugin with Service nil applies to every service.
	Plugins []Plugin `json:"plugins"`
	// Applications are those of the portals that publish an API implemented by a service of the
	// control plane, whatever the state of their registrations, so that a node can tell a key it
	// does not know (401) from a key of an application without access (403).
	Applications []NodeApplication `json:"applications"`
}

// NodeApplication is an application as a gateway node enforces it.
type NodeApplication struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	PortalID        string `json:"portal_id"`
	DeveloperID     string `json:"developer_id"`
	DeveloperStatus string `json:"developer_status"`
	AuthStrategyID  string `json:"auth_strategy_id"`
	// ClientID is the identifier an OpenID Connect token names the application by, through the
	// strategy's credential claim; empty for key-auth applications.
	ClientID string `json:"client_id,omitempty"`
	// Keys are the application's API keys that have not expired yet.
	Keys []NodeKey `json:"keys"`
	// Registrations are those for APIs implemented by a service of the control plane.
	Registrations []NodeRegistration `json:"registrations"`
}

// NodeKey is an API key as a node knows it: never the key itself.
type NodeKey struct {
	// Hash is the lower-case hex SHA-256 of the key.
	Hash string `json:"hash"`
	// ExpiresAt is nil for a key that never expires.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// NodeRegistration is an application's registration for one API.
type NodeRegistration struct {
	APIID  string `json:"api_id"`
	Status string `json:"status"`
	// SuspendedReason is set when the API's publication no longer accepts the application's
	// strategy; such a registration grants nothing whatever its status.
	SuspendedReason string `json:"suspended_reason,omitempty"`
}

// NodePing is what a gateway node reports about itself, periodically and at start.
type NodePing struct {
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	// ConfigHash is the hash of the configuration the node enforces; empty before it has one.
	ConfigHash string `json:"config_hash"`
}

// ExpectedConfigHash is the hash every node of a control plane runs once it is in sync.
type ExpectedConfigHash struct {
	ExpectedHash string `json:"expected_hash"`
	// CreatedAt and UpdatedAt are Unix seconds.
	CreatedAt int64 `json:"created_at"`
	UpdatedAt int64 `json:"updated_at"`
}

// NodeToken is a credential a control plane issues to its gateway nodes: it can read that
// control plane's node configuration and report nodes, and nothing else.
type NodeToken struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Token is the secret; the server answers it only when the token is created.
	Token string `json:"token,omitempty"`
	// CreatedAt and LastUsedAt are RFC 3339 times; LastUsedAt is nil until the token is used.
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// NodeTokenRequest names a new node token.
type NodeTokenRequest struct {
	Name string `json:"name"`
}

// MaxNodeConfigWait is the longest a server holds a conditional node configuration request.
const MaxNodeConfigWait = 60 * time.Second

func nodeConfigPath(controlPlaneID string) string {
	return controlPlanePath(controlPlaneID) + "/node-config"
}

// GetNodeConfig returns the node configuration of a control plane. With etag set (the
// ConfigHash of the configuration the caller has) the server holds the request for up to wait
// while the configuration is unchanged, and GetNodeConfig then returns nil, nil. The client's
// RequestTimeout must exceed wait.
func (c *Client) GetNodeConfig(ctx context.Context, controlPlaneID, etag string, wait time.Duration) (*NodeConfig, error) {
	var q url.Values
	header := http.Header{}
	if etag != "" {
		header.Set("If-None-Match", strconv.Quote(etag))
		if wait > 0 {
			q = url.Values{"wait": {strconv.Itoa(int(min(wait, MaxNodeConfigWait).Seconds()))}}
		}
	}
	var cfg NodeConfig
	resp, err := c.send(ctx, http.MethodGet, nodeConfigPath(controlPlaneID), q, nil, &cfg, header) //nolint:bodyclose // send reads and closes the body itself
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, nil
	}
	if cfg.ConfigHash == "" {
		cfg.ConfigHash = strings.Trim(resp.Header.Get("ETag"), `"`)
	}
	return &cfg, nil
}

// PingNode records a node under the id it chose, creating it on its first report, and
// refreshes its last_ping, version and config_hash.
func (c *Client) PingNode(ctx context.Context, controlPlaneID, nodeID string, ping NodePing) (*Node, error) {
	var n Node
	if err := c.do(ctx, http.MethodPut, nodesPath(controlPlaneID)+"/"+url.PathEscape(nodeID), nil, ping, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// GetExpectedConfigHash returns the configuration hash the nodes of a control plane run once
// they are in sync.
func (c *Client) GetExpectedConfigHash(ctx context.Context, controlPlaneID string) (*ExpectedConfigHash, error) {
	var h ExpectedConfigHash
	if err := c.do(ctx, http.MethodGet, controlPlanePath(controlPlaneID)+"/expected-config-hash", nil, nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

func nodeTokensPath(controlPlaneID string) string {
	return controlPlanePath(controlPlaneID) + "/node-tokens"
}

// CreateNodeToken issues a node token; the answer is the only time its secret is shown.
func (c *Client) CreateNodeToken(ctx context.Context, controlPlaneID string, req NodeTokenRequest) (*NodeToken, error) {
	var t NodeToken
	if err := c.do(ctx, http.MethodPost, nodeTokensPath(controlPlaneID), nil, req, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetNodeToken returns a node token without its secret.
func (c *Client) GetNodeToken(ctx context.Context, controlPlaneID, id string) (*NodeToken, error) {
	var t NodeToken
	if err := c.do(ctx, http.MethodGet, nodeTokensPath(controlPlaneID)+"/"+url.PathEscape(id), nil, nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// ListNodeTokens returns the node tokens of a control plane, without their secrets.
func (c *Client) ListNodeTokens(ctx context.Context, controlPlaneID string) ([]NodeToken, error) {
	var page struct {
		Data []NodeToken `json:"data"`
	}
	if err := c.do(ctx, http.MethodGet, nodeTokensPath(controlPlaneID), nil, nil, &page); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// DeleteNodeToken revokes a node token at once.
func (c *Client) DeleteNodeToken(ctx context.Context, controlPlaneID, id string) error {
	return c.do(ctx, http.MethodDelete, nodeTokensPath(controlPlaneID)+"/"+url.PathEscape(id), nil, nil, nil)
}
