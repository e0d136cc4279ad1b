package client

import (
	"bytes"
	"encoding/json"
)

// Nullable is a JSON value that tells absent, null and set apart.
//
// Its zero value is absent; struct fields of this type need the `omitzero`
// tag option so that absent values are left out of request bodies.
type Nullable[T any] struct {
	value T
	set   bool
	null  bool
}

// Value returns a Nullable holding v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{value: v, set: true} }

// Null returns a Nullable that encodes as JSON null.
func Null[T any]() Nullable[T] { return Nullable[T]{set: true, null: true} }

// FromPointer returns Null for a nil pointer and Value(*p) otherwise.
func FromPointer[T any](p *T) Nullable[T] {
	if p == nil {
		return Null[T]()
	}
	return Value(*p)
}

// IsZero reports whether the value is absent; encoding/json calls it for omitzero.
func (n Nullable[T]) IsZero() bool { return !n.set }

// IsNull reports whether the value is an explicit null.
func (n Nullable[T]) IsNull() bool { return n.set && n.null }

// Get returns the value and whether there is one (set and not null).
func (n Nullable[T]) Get() (T, bool) { return n.value, n.set && !n.null }

// Pointer returns a pointer to the value, or nil when absent or null.
func (n Nullable[T]) Pointer() *T {
	if !n.set || n.null {
		return nil
	}
	v := n.value
	return &v
}

// MarshalJSON encodes null or the value. Absent values are dropped by omitzero
// before this is called; an absent value that is not dropped encodes as null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.set || n.null {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON records null or decodes the value.
func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*n = Null[T]()
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*n = Value(v)
	return nil
}
