package core

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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
// given has 1 to max characters and no control characters.
func checkRequiredName(name Field[string], create bool, max int) []Violation {
	switch {
	case create && !name.HasValue():
		return []Violation{RequiredViolation("name")}
	case name.HasValue():
		return checkNameString("name", name.Value, 1, max)
	}
	return nil
}

// checkString checks the length of a free text of min to max characters (no maximum when max is
// 0) and that it holds no control characters other than tab and line breaks.
func checkString(field, value string, min, max int) []Violation {
	n := utf8.RuneCountInString(value)
	switch {
	case n < min:
		return []Violation{MinLengthViolation(field, min)}
	case max > 0 && n > max:
		return []Violation{MaxLengthViolation(field, max)}
	}
	return CheckControlCharacters(field, value, true)
}

// checkNameString is checkString for names, which are shown on one line: no control
// characters at all.
func checkNameString(field, value string, min, max int) []Violation {
	if vs := checkString(field, value, min, max); vs != nil {
		return vs
	}
	return CheckControlCharacters(field, value, false)
}

// CheckControlCharacters refuses NUL and the other control characters (Unicode category Cc:
// U+0000 to U+001F and U+007F to U+009F) in a value that people read, in lists, logs, headers
// and mail. With lineBreaks, tab, line feed and carriage return are allowed, as in descriptions;
// names allow none.
func CheckControlCharacters(field, value string, lineBreaks bool) []Violation {
	for i, r := range []rune(value) {
		if !unicode.IsControl(r) || (lineBreaks && (r == '\t' || r == '\n' || r == '\r')) {
			continue
		}
		reason := "must not contain control characters"
		if lineBreaks {
			reason = "must not contain control characters other than tab and line breaks"
		}
		return []Violation{InvalidViolation(field, fmt.Sprintf("%s: character %d is %U", reason, i+1, r))}
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
