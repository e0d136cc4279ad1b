package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// IssueAPIKeyRequest asks the server to issue a key for an application, an
// extension of the Konnect API. With an empty Key the server generates one
// and answers it once; with Key set, only its hash is kept and it is never
// echoed. A nil ExpiresAt takes the auth strategy's ttl, if any.
type IssueAPIKeyRequest struct {
	DisplayName string     `json:"display_name,omitempty"`
	Key         string     `json:"credential,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// IssueAPIKey issues an API key for a key-auth application, within the limit
// of 20 keys per application. The answer's Secret holds a generated key.
func (c *Client) IssueAPIKey(ctx context.Context, portalID, applicationID string, req IssueAPIKeyRequest) (*Credential, error) {
	var k Credential
	if err := c.do(ctx, http.MethodPost, credentialsPath(portalID, applicationID), nil, req, &k); err != nil {
		return nil, err
	}
	if req.Key == "" && k.Secret == "" {
		// Nobody could ever use the key: revoke it rather than leave it counting against the limit.
		_ = c.DeleteCredential(ctx, portalID, applicationID, k.ID)
		return nil, fmt.Errorf("the server issued API key %s without returning it; the key was revoked", k.ID)
	}
	if req.Key != "" {
		// A server must not echo a supplied key; never hand it on if one does.
		k.Secret = ""
	}
	return &k, nil
}

// RenameAPIKey changes the display name of an API key, an extension of the
// Konnect API that mirrors the developer portal's rename; the key itself and
// its expiry stay.
func (c *Client) RenameAPIKey(ctx context.Context, portalID, applicationID, id, displayName string) (*Credential, error) {
	var k Credential
	body := struct {
		DisplayName string `json:"display_name"`
	}{displayName}
	if err := c.do(ctx, http.MethodPut, credentialsPath(portalID, applicationID)+"/"+url.PathEscape(id), nil, body, &k); err != nil {
		return nil, err
	}
	return &k, nil
}
