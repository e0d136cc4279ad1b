package appauth

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Policy is the compiled managed plugin of one service; immutable and safe for concurrent use.
type Policy struct {
	pluginID string
	scope    string
	issuers  *Issuers
}

// NewPolicy compiles a managed konnect-application-auth plugin. The error names the plugin and
// what is wrong with its configuration.
func NewPolicy(p client.Plugin, issuers *Issuers) (*Policy, error) {
	if !p.IsManagedApplicationAuth() {
		return nil, fmt.Errorf("plugin %s (%s) is not a managed %s plugin", p.ID, p.Name, client.ApplicationAuthPluginName)
	}
	cfg, err := p.ApplicationAuthConfig()
	if err != nil {
		return nil, err
	}
	return &Policy{pluginID: p.ID, scope: cfg.Scope, issuers: issuers}, nil
}

// Scope is the id of the API the plugin guards.
func (p *Policy) Scope() string { return p.scope }

// Authorize decides a request. It removes a presented key (header or query parameter named by
// key_names) from r whatever the decision, so the upstream never sees it.
func (p *Policy) Authorize(ctx context.Context, t *Table, r *http.Request, now time.Time) Decision {
	return Decision{Status: http.StatusUnauthorized, Reason: ReasonMissingCredential, Detail: "not implemented"}
}
