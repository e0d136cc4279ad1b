package appauth

import (
	"encoding/hex"
	"fmt"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// Table is the application auth data of one configuration: keys by SHA-256, applications by
// client id. It is immutable and safe for concurrent use.
type Table struct {
	// keys holds entries by value: one allocation for the whole map rather than one per key.
	keys     map[[32]byte]keyEntry
	byClient map[string]*App
	apps     int
}

// keyEntry is one API key: the application it belongs to and when it stops working.
type keyEntry struct {
	// app is nil when two applications hold the same key: such a key names no one.
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

// Registration returns the application's registration for an API, false when it has none.
func (a *App) Registration(apiID string) (client.NodeRegistration, bool) {
	for _, r := range a.registrations {
		if r.APIID == apiID {
			return r, true
		}
	}
	return client.NodeRegistration{}, false
}

// NewTable indexes the applications of a configuration, in time linear in their keys. The error
// names the application with a malformed key hash. A key or client id that two applications share
// names neither of them, so that it cannot act as the wrong one.
func NewTable(apps []client.NodeApplication) (*Table, error) {
	nkeys := 0
	for i := range apps {
		nkeys += len(apps[i].Keys)
	}
	t := &Table{
		keys:     make(map[[32]byte]keyEntry, nkeys),
		byClient: make(map[string]*App),
		apps:     len(apps),
	}
	// One allocation for every App: the table is rebuilt on each configuration change.
	all := make([]App, len(apps))
	for i := range apps {
		a := &apps[i]
		app := &all[i]
		*app = App{
			ID: a.ID, Name: a.Name, PortalID: a.PortalID, DeveloperID: a.DeveloperID,
			AuthStrategyID: a.AuthStrategyID, ClientID: a.ClientID, DeveloperStatus: a.DeveloperStatus,
			registrations: a.Registrations,
		}
		if err := t.addKeys(app, a.Keys); err != nil {
			return nil, err
		}
		t.addClient(app)
	}
	return t, nil
}

func (t *Table) addKeys(app *App, keys []client.NodeKey) error {
	for i, k := range keys {
		var sum [32]byte
		if len(k.Hash) != hex.EncodedLen(len(sum)) {
			return fmt.Errorf("application %s: key %d: hash has %d characters, want the 64 hex digits of a SHA-256", app.ID, i, len(k.Hash))
		}
		if _, err := hex.Decode(sum[:], []byte(k.Hash)); err != nil {
			return fmt.Errorf("application %s: key %d: hash is not hex: %w", app.ID, i, err)
		}
		e := keyEntry{app: app}
		if k.ExpiresAt != nil {
			e.expiresAt = k.ExpiresAt.UnixNano()
		}
		if prev, ok := t.keys[sum]; ok && prev.app != app {
			e.app = nil
		}
		t.keys[sum] = e
	}
	return nil
}

func (t *Table) addClient(app *App) {
	if app.ClientID == "" {
		return
	}
	if _, ok := t.byClient[app.ClientID]; ok {
		t.byClient[app.ClientID] = nil
		return
	}
	t.byClient[app.ClientID] = app
}

// Len returns the number of applications and of keys in the table; a nil Table is empty.
func (t *Table) Len() (apps, keys int) {
	if t == nil {
		return 0, 0
	}
	return t.apps, len(t.keys)
}

// lookupKey returns the entry of a key's SHA-256.
func (t *Table) lookupKey(sum [32]byte) (keyEntry, bool) {
	if t == nil {
		return keyEntry{}, false
	}
	e, ok := t.keys[sum]
	return e, ok && e.app != nil
}

// lookupClient returns the application a client id names.
func (t *Table) lookupClient(id string) *App {
	if t == nil {
		return nil
	}
	return t.byClient[id]
}
