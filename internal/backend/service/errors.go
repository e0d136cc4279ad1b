package service

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a domain error; front ends map each kind to their own way of refusing.
type Kind int

const (
	// Internal is a failure the caller cannot fix; its cause belongs in the log, not in an answer.
	Internal Kind = iota
	// NotFound: the object does not exist, or is not visible to the caller.
	NotFound
	// Conflict: the change would break a uniqueness or reference rule.
	Conflict
	// Forbidden: the caller is known but may not do this.
	Forbidden
	// Unauthenticated: the caller must log in (again), or the credentials are wrong.
	Unauthenticated
	// Invalid: the request is wrong as a whole, beyond what one field's violation says.
	Invalid
	// TooManyRequests: a rate limit refused the request; RetryAfter says when to try again.
	TooManyRequests
	// Gone: the object existed but can no longer be used, such as an expired one-time token.
	Gone
)

// Error is a refusal the caller can act on. Detail is a sentence for the person or program that
// made the request: it says what is wrong and what to do, and names nothing internal.
type Error struct {
	Kind Kind
	// Title is a short heading where the wire format has a specific one (for example Konnect's
	// login refusals); empty means the front end's generic title for Kind.
	Title  string
	Detail string
	// Field names the input the refusal concerns, when there is one, so that a form can show the
	// sentence beside that field; wire names are used ("email", "auth_strategy_id").
	Field string
	// RetryAfter is how long a TooManyRequests refusal asks the caller to wait.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// Errorf returns an *Error of kind k with a formatted detail.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err: that of the *Error it wraps, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
