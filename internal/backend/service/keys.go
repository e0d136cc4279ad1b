package service

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// NewKey is a key just created, with its secret: the only time the secret is available.
type NewKey struct {
	Key    core.APIKey
	Secret string
}

// KeyRequest is an administrator's request for a key.
type KeyRequest struct {
	DisplayName string    // empty: a name with the creation time
	Secret      string    // a key the caller supplies; empty to generate one
	ExpiresAt   time.Time // zero to take the strategy's ttl
}

// CheckKeyName returns the violations of a key's display name.
func CheckKeyName(name core.Field[string], required bool) []core.Violation {
	switch {
	case name.HasValue():
		return core.CheckName("display_name", name.Value, core.CredentialDisplayNameMax)
	case required && !name.Set:
		return []core.Violation{core.RequiredViolation("display_name")}
	}
	return nil
}

// newKeyRequest is a valid request for a key.
type newKeyRequest struct {
	displayName string
	secret      string
	expiresAt   time.Time
	origin      string
}

// issueKey creates a key for app, within the per-application limit, and returns it with its secret.
func (s *Service) issueKey(ctx context.Context, tx *store.Tx, app core.Application, req newKeyRequest) (NewKey, error) {
	developer := req.origin == core.APIKeyByDeveloper
	st, err := tx.GetAuthStrategy(ctx, app.Region, app.AuthStrategyID)
	if errors.Is(err, store.ErrNotFound) {
		if developer {
			return NewKey{}, Errorf(Conflict, "API keys cannot be issued for this application any more: ask the portal's administrators.")
		}
		return NewKey{}, Errorf(Conflict,
			"Application %s uses auth strategy %s, which no longer exists: API keys cannot be issued for it.", app.ID, app.AuthStrategyID)
	}
	if err != nil {
		return NewKey{}, err
	}
	if st.StrategyType != core.StrategyKeyAuth {
		if developer {
			return NewKey{}, Errorf(Conflict, "This application's credentials are issued by the identity provider, not as API keys.")
		}
		return NewKey{}, Errorf(Conflict,
			"Application %s uses the %s strategy %q, whose credentials are issued by the identity provider; API keys exist only for key_auth applications.",
			app.ID, st.StrategyType, st.Name)
	}
	// Concurrent issues for one application, on several replicas, take turns, so that each
	// counts the keys issued before it.
	if err := tx.LockKey(ctx, "application-keys:"+app.ID); err != nil {
		return NewKey{}, err
	}
	n, err := tx.CountAPIKeys(ctx, app.ID)
	if err != nil {
		return NewKey{}, err
	}
	if core.APIKeyLimitReached(n) {
		return NewKey{}, Errorf(Forbidden, "Maximum number of Credentials exceeded. Max Allowed: %d", core.MaxAPIKeysPerApplication)
	}
	secret := req.secret
	if secret == "" {
		if secret, err = core.GenerateAPIKey(); err != nil {
			return NewKey{}, err
		}
	}
	now := s.now()
	k := core.APIKey{ID: uuid.NewString(), Region: app.Region, ApplicationID: app.ID, DisplayName: req.displayName,
		Hash: core.HashAPIKey(secret), Hint: core.APIKeyHint(secret), Origin: req.origin, ExpiresAt: req.expiresAt, CreatedAt: now}
	if k.ExpiresAt.IsZero() && st.KeyAuth.TTL != nil {
		if k.ExpiresAt, err = core.APIKeyExpiresAt(now, st.KeyAuth.TTL.Value, st.KeyAuth.TTL.Unit); err != nil {
			// Only a strategy stored before its ttl was bounded can get here.
			return NewKey{}, Errorf(Conflict,
				"Auth strategy %s cannot issue keys: %v. Change the strategy's configs.key-auth.ttl.", st.ID, err)
		}
	}
	if k.DisplayName == "" {
		k.DisplayName = "API key " + FormatTime(now)
	}
	if err := tx.InsertAPIKey(ctx, k); errors.Is(err, store.ErrConflict) {
		return NewKey{}, &Error{Kind: Conflict, Field: "credential", Detail: "This key is already in use: supply another value."}
	} else if err != nil {
		return NewKey{}, err
	}
	return NewKey{Key: k, Secret: secret}, nil
}

func getKey(ctx context.Context, tx *store.Tx, app core.Application, id string) (core.APIKey, error) {
	k, err := tx.GetAPIKey(ctx, app.Region, app.ID, id)
	return k, orNotFound(err, "Credential", id)
}

// Keys returns one page of the keys of dev's application appID on p, and their total.
func (s *Service) Keys(ctx context.Context, p core.Portal, dev core.Developer, appID string, page store.Page) ([]core.APIKey, int, error) {
	return s.listKeys(ctx, devScope(p, dev), appID, page)
}

func (s *Service) listKeys(ctx context.Context, o owned, appID string, page store.Page) ([]core.APIKey, int, error) {
	var (
		keys  []core.APIKey
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		keys, total, err = tx.ListAPIKeys(ctx, o.region, app.ID, page)
		return err
	})
	return keys, total, err
}

// CreateKey creates a key for dev's application appID on p and returns it with its secret, which
// is never available again. An empty name gets one with the creation time.
func (s *Service) CreateKey(ctx context.Context, p core.Portal, dev core.Developer, appID, name string) (NewKey, error) {
	if err := core.Invalid(CheckKeyName(text(name), false)...); err != nil {
		return NewKey{}, err
	}
	var k NewKey
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := getApplication(ctx, tx, p.Region, p.ID, appID, &dev)
		if err != nil {
			return err
		}
		k, err = s.issueKey(ctx, tx, app, newKeyRequest{displayName: name, origin: core.APIKeyByDeveloper})
		return err
	})
	if err != nil {
		return NewKey{}, err
	}
	s.log.DebugContext(ctx, "API key created", "application_id", k.Key.ApplicationID, "credential_id", k.Key.ID)
	return k, nil
}

// RenameKey changes the display name of key keyID of dev's application appID on p.
func (s *Service) RenameKey(ctx context.Context, p core.Portal, dev core.Developer, appID, keyID, name string) error {
	if err := core.Invalid(CheckKeyName(text(name), true)...); err != nil {
		return err
	}
	_, err := s.renameKey(ctx, devScope(p, dev), appID, keyID, name)
	return err
}

func (s *Service) renameKey(ctx context.Context, o owned, appID, keyID, name string) (core.APIKey, error) {
	var k core.APIKey
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		if k, err = getKey(ctx, tx, app, keyID); err != nil {
			return err
		}
		k.DisplayName = name
		return tx.RenameAPIKey(ctx, app.Region, app.ID, k.ID, name)
	})
	return k, err
}

// DeleteKey revokes key keyID of dev's application appID on p: gateways refuse it from then on.
func (s *Service) DeleteKey(ctx context.Context, p core.Portal, dev core.Developer, appID, keyID string) error {
	return s.deleteKey(ctx, devScope(p, dev), appID, keyID)
}

func (s *Service) deleteKey(ctx context.Context, o owned, appID, keyID string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		k, err := getKey(ctx, tx, app, keyID)
		if err != nil {
			return err
		}
		return tx.DeleteAPIKey(ctx, o.region, app.ID, k.ID)
	})
}

// AdminKeys returns one page of the keys of application appID of a portal, and their total.
func (s *Service) AdminKeys(ctx context.Context, region, portalID, appID string, page store.Page) ([]core.APIKey, int, error) {
	return s.listKeys(ctx, adminScope(region, portalID), appID, page)
}

// AdminIssueKey issues a key for application appID of a portal: generated, with the secret in
// the result only, or supplied by the caller (the result's Secret is then empty), of which only
// the hash is kept.
func (s *Service) AdminIssueKey(ctx context.Context, region, portalID, appID string, req KeyRequest) (NewKey, error) {
	vs := CheckKeyName(text(req.DisplayName), false)
	nr := newKeyRequest{displayName: req.DisplayName, origin: core.APIKeyGenerated}
	if req.Secret != "" {
		if err := core.CheckAPIKey(req.Secret); err != nil {
			vs = append(vs, core.InvalidViolation("credential", err.Error()))
		}
		nr.secret, nr.origin = req.Secret, core.APIKeySupplied
	}
	if !req.ExpiresAt.IsZero() {
		if evs := core.CheckAPIKeyExpiresAt("expires_at", req.ExpiresAt, s.now()); evs != nil {
			vs = append(vs, evs...)
		}
		nr.expiresAt = req.ExpiresAt.UTC()
	}
	if err := core.Invalid(vs...); err != nil {
		return NewKey{}, err
	}
	o := adminScope(region, portalID)
	var k NewKey
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		k, err = s.issueKey(ctx, tx, app, nr)
		return err
	})
	if err != nil {
		return NewKey{}, err
	}
	if req.Secret != "" {
		k.Secret = ""
	}
	return k, nil
}

// AdminKey returns key keyID of application appID of a portal.
func (s *Service) AdminKey(ctx context.Context, region, portalID, appID, keyID string) (core.APIKey, error) {
	o := adminScope(region, portalID)
	var k core.APIKey
	err := s.store.View(ctx, func(tx *store.Tx) error {
		app, err := o.application(ctx, tx, appID)
		if err != nil {
			return err
		}
		k, err = getKey(ctx, tx, app, keyID)
		return err
	})
	return k, err
}

// AdminRenameKey changes the display name of key keyID of application appID of a portal and returns
// the key; its secret and expiry stay.
func (s *Service) AdminRenameKey(ctx context.Context, region, portalID, appID, keyID, name string) (core.APIKey, error) {
	if err := core.Invalid(CheckKeyName(text(name), true)...); err != nil {
		return core.APIKey{}, err
	}
	return s.renameKey(ctx, adminScope(region, portalID), appID, keyID, name)
}

// AdminDeleteKey revokes key keyID of application appID of a portal.
func (s *Service) AdminDeleteKey(ctx context.Context, region, portalID, appID, keyID string) error {
	return s.deleteKey(ctx, adminScope(region, portalID), appID, keyID)
}
