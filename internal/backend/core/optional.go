package core

// Field is one field of an update-style request: absent, explicitly null, or a value.
type Field[T any] struct {
	Set   bool // present in the request
	Null  bool // present and null
	Value T
}

// Val returns a Field holding v.
func Val[T any](v T) Field[T] { return Field[T]{Set: true, Value: v} }

// Null returns a Field that is present and null.
func Null[T any]() Field[T] { return Field[T]{Set: true, Null: true} }

// HasValue reports whether the field is present and not null.
func (f Field[T]) HasValue() bool { return f.Set && !f.Null }
