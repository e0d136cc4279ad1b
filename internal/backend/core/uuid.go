package core

import "github.com/google/uuid"

// IsUUID reports whether s is a UUID in its canonical textual form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// UUIDViolation reports a field that must hold a UUID.
func UUIDViolation(field string) Violation {
	return Violation{Field: field, Rule: "is_uuid", Reason: "must be a valid UUID", Source: "body"}
}
