package core

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
)

// DeveloperStatus is the state of a developer's account on a portal.
type DeveloperStatus string

// Developer statuses, as on the wire.
const (
	DeveloperApproved DeveloperStatus = "approved"
	DeveloperPending  DeveloperStatus = "pending"
	DeveloperRejected DeveloperStatus = "rejected"
	DeveloperRevoked  DeveloperStatus = "revoked"
)

// DeveloperStatuses lists the valid statuses in the order error messages show them.
var DeveloperStatuses = []DeveloperStatus{DeveloperApproved, DeveloperPending, DeveloperRejected, DeveloperRevoked}

// ParseDeveloperStatus checks s against the valid statuses; the error text is suitable as a 400 reason.
func ParseDeveloperStatus(s string) (DeveloperStatus, error) {
	if st := DeveloperStatus(s); slices.Contains(DeveloperStatuses, st) {
		return st, nil
	}
	return "", fmt.Errorf("developer status %q is not valid; use one of approved, pending, rejected, revoked", s)
}

// InitialDeveloperStatus returns the status of a developer who just signed up to a portal whose
// auto_approve_developers setting is autoApprove.
func InitialDeveloperStatus(autoApprove bool) DeveloperStatus {
	if autoApprove {
		return DeveloperApproved
	}
	return DeveloperPending
}

// DeveloperLoginRefusal is the 401 problem a developer sees after giving the right password for an
// account that may not log in. Title and Detail follow the developer portal API's wording.
type DeveloperLoginRefusal struct {
	Title  string
	Detail string
}

// DeveloperCanLogIn reports whether a developer with this status may start a session, and otherwise why
// not. Call it only after the password checked out, so the reason does not reveal which e-mail addresses
// have accounts.
func DeveloperCanLogIn(status DeveloperStatus) (bool, DeveloperLoginRefusal) {
	switch status {
	case DeveloperApproved:
		return true, DeveloperLoginRefusal{}
	case DeveloperPending:
		return false, DeveloperLoginRefusal{Title: "Approval Required", Detail: "Your account is pending approval for access."}
	case DeveloperRejected:
		return false, DeveloperLoginRefusal{Title: "Approval Required", Detail: "Your request for access was rejected by the portal administrators."}
	case DeveloperRevoked:
		return false, DeveloperLoginRefusal{Title: "Approval Required", Detail: "Your access to this portal has been revoked."}
	default:
		return false, DeveloperLoginRefusal{Title: "Unauthorized", Detail: "Your account cannot log in to this portal."}
	}
}

// Limits from RFC 5321 (section 4.5.3.1): the longest address that fits in a forward path, and the
// longest local part.
const (
	developerEmailMaxLen      = 254
	developerEmailLocalMaxLen = 64
)

// ErrDeveloperEmailInvalid is wrapped by every error NormalizeDeveloperEmail returns.
var ErrDeveloperEmailInvalid = errors.New("invalid e-mail address")

// NormalizeDeveloperEmail checks that s is a bare e-mail address (no display name or angle brackets) and
// returns it trimmed and lower-cased, the form accounts are looked up by. Lower-casing the local part too
// is stricter than RFC 5321 but keeps one person from holding two accounts that differ only in case.
func NormalizeDeveloperEmail(s string) (string, error) {
	invalid := func(why string) (string, error) {
		return "", fmt.Errorf("%w %q: %s", ErrDeveloperEmailInvalid, s, why)
	}
	addr := strings.TrimSpace(s)
	if addr == "" {
		return invalid("it is empty")
	}
	if len(addr) > developerEmailMaxLen {
		return invalid(fmt.Sprintf("it is longer than %d characters", developerEmailMaxLen))
	}
	parsed, err := mail.ParseAddress(addr)
	if err != nil || parsed.Name != "" || parsed.Address != addr {
		return invalid("use the form name@example.com")
	}
	at := strings.LastIndexByte(addr, '@')
	if at > developerEmailLocalMaxLen {
		return invalid(fmt.Sprintf("the part before @ is longer than %d characters", developerEmailLocalMaxLen))
	}
	return strings.ToLower(addr), nil
}

// CheckPersonName returns the violations of a developer's name, which is shown to administrators and
// quoted in the mail the portal sends: besides the length limit, it may not hold line breaks or other
// control or formatting characters (such as bidirectional overrides) that could make it read as text of
// the portal's own.
func CheckPersonName(field, value string, max int) []Violation {
	// The stricter rule goes first, so that its reason (a single line) is the one given.
	if strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) }) {
		return []Violation{{Field: field, Rule: "invalid", Source: "body",
			Reason: field + " must be a single line of text: remove line breaks, tabs and other control characters"}}
	}
	return CheckName(field, value, max)
}
