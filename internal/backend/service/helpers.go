package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// FormatTime renders timestamps as Konnect does: RFC 3339 in UTC with milliseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

func notFound(kind, id string) error {
	return Errorf(NotFound, "%s %s not found in this region", kind, id)
}

// orNotFound turns the store's ErrNotFound into the NotFound that names the object; other errors,
// and nil, pass unchanged.
func orNotFound(err error, kind, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(kind, id)
	}
	return err
}

func getPortal(ctx context.Context, tx *store.Tx, region, id string) (core.Portal, error) {
	p, err := tx.GetPortal(ctx, region, id)
	return p, orNotFound(err, "Portal", id)
}

// titled returns an *Error whose wire answer carries a specific title, as Konnect's login answers do.
func titled(k Kind, title, detail string) error {
	return &Error{Kind: k, Title: title, Detail: detail}
}

func tooManyRequests(wait time.Duration, detail string) error {
	return &Error{Kind: TooManyRequests, Title: "Too Many Requests", Detail: detail, RetryAfter: wait}
}

func invalidField(field, reason string) error {
	return core.Invalid(core.InvalidViolation(field, reason))
}

// randomToken returns 32 random bytes, URL-safe encoded: session tokens.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
