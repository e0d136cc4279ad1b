package core

import (
	"fmt"
	"time"
)

// Limits from the portal documents.
const (
	ApplicationNameMax        = 255
	ApplicationDescriptionMax = 255
	CredentialDisplayNameMax  = 255
	DeveloperNameMax          = 255
)

// MaxApplicationsPerDeveloper is how many applications one developer may own; each holds keys
// and registrations, so the limit keeps one account from filling the database.
const MaxApplicationsPerDeveloper = 100

// SessionLifetime is how long a developer stays logged in.
const SessionLifetime = 12 * time.Hour

// Lifetimes of the one-time tokens mailed to developers.
const (
	VerifyTokenLifetime = 24 * time.Hour
	ResetTokenLifetime  = time.Hour
)

// Developer is a developer account on one portal.
type Developer struct {
	ID       string
	Region   string
	PortalID string
	Email    string // normalised, see NormalizeDeveloperEmail
	FullName string
	Status   DeveloperStatus
	// PasswordHash is empty until the developer sets a password.
	PasswordHash  string
	EmailVerified bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Application is a developer's application on a portal; its keys and registrations hang off it.
type Application struct {
	ID             string
	Region         string
	PortalID       string
	DeveloperID    string
	Name           string
	Description    *string
	AuthStrategyID string
	ClientID       string
	Labels         map[string]string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// API key origins.
const (
	// APIKeyByDeveloper keys were created by the developer through the portal.
	APIKeyByDeveloper = "developer"
	// APIKeyGenerated keys were issued by an administrator with a generated secret.
	APIKeyGenerated = "generated"
	// APIKeySupplied keys were issued by an administrator with a secret the caller chose.
	APIKeySupplied = "supplied"
)

// APIKey is an application's key; only the hash of its secret is kept.
type APIKey struct {
	ID            string
	Region        string
	ApplicationID string
	DisplayName   string
	Hash          string
	Hint          string
	Origin        string
	// ExpiresAt is zero for a key that never expires.
	ExpiresAt time.Time
	CreatedAt time.Time
}

// API key statuses, as on the wire.
const (
	APIKeyStatusActive  = "active"
	APIKeyStatusExpired = "expired"
)

// Status returns the key's wire status at now.
func (k APIKey) Status(now time.Time) string {
	if APIKeyExpired(k.ExpiresAt, now) {
		return APIKeyStatusExpired
	}
	return APIKeyStatusActive
}

// CheckClientIDUnchanged refuses an update that would change an application's client_id: it
// identifies the application to identity providers and gateways from creation on. Sending the
// current value is accepted, so that clients may send back what they read.
func CheckClientIDUnchanged(current string, in Field[string]) []Violation {
	if !in.Set || (in.HasValue() && in.Value == current) {
		return nil
	}
	return []Violation{InvalidViolation("client_id", fmt.Sprintf(
		"client_id cannot be changed once the application is created (it is %q): leave it out of the update, "+
			"or create a new application to use another client_id", current))}
}

// CheckName returns the violations of a required display string of at most max characters,
// without control characters.
func CheckName(field, value string, max int) []Violation {
	return checkNameString(field, value, 1, max)
}

// CheckOptionalText returns the violations of an optional string of at most max characters.
func CheckOptionalText(field, value string, max int) []Violation {
	return checkString(field, value, 0, max)
}
