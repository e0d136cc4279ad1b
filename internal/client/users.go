package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// currentUserTimeout bounds the identity check, which must not hold up a
// provider's configuration for as long as a regular request may take.
const currentUserTimeout = 10 * time.Second

// CurrentUser is the owner of the token a client sends (GET /v3/users/me).
type CurrentUser struct {
	ID            string    `json:"id"`
	Email         string    `json:"email,omitempty"`
	FullName      string    `json:"full_name,omitempty"`
	PreferredName string    `json:"preferred_name,omitempty"`
	Active        bool      `json:"active"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// GetCurrentUser returns the owner of the client's token. It makes exactly
// one attempt, without retries, so that it can serve as a quick check of
// the token: a 401 APIError means the server rejected the token.
func (c *Client) GetCurrentUser(ctx context.Context) (*CurrentUser, error) {
	const path = "/v3/users/me"
	ctx, cancel := context.WithTimeout(ctx, currentUserTimeout)
	defer cancel()
	u := *c.baseURL
	u.Path = c.baseURL.Path + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building GET %s request: %w", path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading response: %w", path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, decodeAPIError(http.MethodGet, path, resp.StatusCode, body)
	}
	var user CurrentUser
	if err := json.Unmarshal(bytes.TrimSpace(body), &user); err != nil {
		return nil, fmt.Errorf("GET %s: decoding response: %w", path, err)
	}
	return &user, nil
}

// IsUnauthorized reports whether err is an API error with status 401: the server rejected the token.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }
