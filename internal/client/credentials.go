package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Credential statuses.
const (
	CredentialActive  = "active"
	CredentialExpired = "expired"
)

// Credential is the metadata of an application's API key. Secret is set only
// in the answer that issued a generated key.
type Credential struct {
	ID          string     `json:"id"`
	Type        string     `json:"type"`
	DisplayName string     `json:"display_name"`
	Status      string     `json:"status"`
	ExpiresAt   *time.Time `json:"expires_at"`
	CreatedAt   time.Time  `json:"created_at"`
	Secret      string     `json:"credential,omitempty"`
}

func credentialsPath(portalID, applicationID string) string {
	return applicationPath(portalID, applicationID) + "/credentials"
}

// ListCredentials returns one page of an application's API key metadata.
func (c *Client) ListCredentials(ctx context.Context, portalID, applicationID string, opts ListOptions) (*Page[Credential], error) {
	var page Page[Credential]
	if err := c.do(ctx, http.MethodGet, credentialsPath(portalID, applicationID), opts.query(), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// ListAllCredentials returns the metadata of every API key of an application.
func (c *Client) ListAllCredentials(ctx context.Context, portalID, applicationID string) ([]Credential, error) {
	return listAll(ctx, ListOptions{}, func(ctx context.Context, lo ListOptions) (*Page[Credential], error) {
		return c.ListCredentials(ctx, portalID, applicationID, lo)
	})
}

// GetCredential returns the metadata of one API key.
func (c *Client) GetCredential(ctx context.Context, portalID, applicationID, id string) (*Credential, error) {
	var k Credential
	if err := c.do(ctx, http.MethodGet, credentialsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, nil, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// DeleteCredential revokes an API key.
func (c *Client) DeleteCredential(ctx context.Context, portalID, applicationID, id string) error {
	return c.do(ctx, http.MethodDelete, credentialsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, nil, nil)
}
