package core

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Violation is one invalid input, shaped like an item of Konnect's invalid_parameters list.
type Violation struct {
	Field   string
	Rule    string
	Reason  string
	Source  string // "body" or "query"
	Choices []string
	Minimum *int
	Maximum *int
}

// ValidationError carries the violations of one request; the HTTP layer renders it as a 400.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = fmt.Sprintf("%s: %s", v.Field, v.Reason)
	}
	return "invalid parameters: " + strings.Join(parts, "; ")
}

// Invalid returns a *ValidationError for vs, or nil when vs is empty.
func Invalid(vs ...Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return &ValidationError{Violations: vs}
}

// RequiredViolation reports a missing mandatory field.
func RequiredViolation(field string) Violation {
	return Violation{Field: field, Rule: "required", Reason: fmt.Sprintf("%q is required", field), Source: "body"}
}

// MinLengthViolation reports a string or list shorter than min.
func MinLengthViolation(field string, min int) Violation {
	return Violation{Field: field, Rule: "min_length", Source: "body", Minimum: &min,
		Reason: fmt.Sprintf("must have at least %d characters", min)}
}

// MaxLengthViolation reports a string longer than max.
func MaxLengthViolation(field string, max int) Violation {
	return Violation{Field: field, Rule: "max_length", Source: "body", Maximum: &max,
		Reason: fmt.Sprintf("must not have more than %d characters", max)}
}

// MinItemsViolation reports a list with fewer than min items.
func MinItemsViolation(field string, min int) Violation {
	return Violation{Field: field, Rule: "min_items", Source: "body", Minimum: &min,
		Reason: fmt.Sprintf("must have at least %d items", min)}
}

// MaxItemsViolation reports a list or object with more than max items.
func MaxItemsViolation(field string, max int) Violation {
	return Violation{Field: field, Rule: "max_items", Source: "body", Maximum: &max,
		Reason: fmt.Sprintf("must not have more than %d items", max)}
}

// EnumViolation reports a value outside its allowed choices.
func EnumViolation(field string, choices ...string) Violation {
	return Violation{Field: field, Rule: "enum", Source: "body", Choices: choices,
		Reason: fmt.Sprintf("must be one of [%s]", strings.Join(choices, ", "))}
}

// InvalidViolation reports a value that breaks a rule without a more specific name.
func InvalidViolation(field, reason string) Violation {
	return Violation{Field: field, Rule: "invalid", Reason: reason, Source: "body"}
}

// checkRequiredName checks the name of a create or update request: creating requires one, and a name
// given has 1 to max characters.
func checkRequiredName(name Field[string], create bool, max int) []Violation {
	switch {
	case create && !name.HasValue():
		return []Violation{RequiredViolation("name")}
	case name.HasValue():
		return checkString("name", name.Value, 1, max)
	}
	return nil
}

func checkString(field, value string, min, max int) []Violation {
	n := len([]rune(value))
	switch {
	case n < min:
		return []Violation{MinLengthViolation(field, min)}
	case max > 0 && n > max:
		return []Violation{MaxLengthViolation(field, max)}
	}
	return nil
}

func checkEnum(field, value string, choices ...string) []Violation {
	for _, c := range choices {
		if value == c {
			return nil
		}
	}
	return []Violation{EnumViolation(field, choices...)}
}

// sortedKeys returns the keys of m in order, so that violations come out in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
