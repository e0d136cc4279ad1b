package core

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
)

const (
	maxLabels      = 50
	maxLabelLength = 63
)

var labelPattern = regexp.MustCompile(`^[a-z0-9A-Z]([a-z0-9A-Z-._]*[a-z0-9A-Z]+)?$`)

// reservedLabelPrefixes are key prefixes Konnect keeps for itself. The documents reserve them in
// lower case only, so KONGCTL-namespace, the label Kong's own CLI puts on what it manages, is allowed.
var reservedLabelPrefixes = []string{"kong", "konnect", "mesh", "kic", "_"}

// ValidateLabels checks a labels object. A nil value means "remove this key" and is allowed
// only when allowNull is set, as in update requests.
func ValidateLabels(field string, labels map[string]*string, allowNull bool) []Violation {
	var vs []Violation
	if len(labels) > maxLabels {
		vs = append(vs, MaxItemsViolation(field, maxLabels))
	}
	for _, k := range sortedKeys(labels) {
		v := labels[k]
		name := field + "." + k
		if reason := labelKeyProblem(k); reason != "" {
			vs = append(vs, Violation{Field: name, Rule: "is_label", Reason: reason, Source: "body"})
			continue
		}
		if v == nil {
			if !allowNull {
				vs = append(vs, Violation{Field: name, Rule: "is_label", Reason: "label values must be strings", Source: "body"})
			}
			continue
		}
		if *v == "" || len(*v) > maxLabelLength || !labelPattern.MatchString(*v) {
			vs = append(vs, Violation{Field: name, Rule: "is_label", Source: "body",
				Reason: fmt.Sprintf("label values must be 1-%d characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit", maxLabelLength)})
		}
	}
	return vs
}

func labelKeyProblem(k string) string {
	if k == "" || len(k) > maxLabelLength || !labelPattern.MatchString(k) {
		return fmt.Sprintf("label keys must be 1-%d characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit", maxLabelLength)
	}
	for _, p := range reservedLabelPrefixes {
		if strings.HasPrefix(k, p) {
			return fmt.Sprintf("label keys cannot start with %q", p)
		}
	}
	return ""
}

// ValidateMergedLabels checks the labels an update leaves on an object: the limit holds for the
// result, not only for the request, or repeated updates would pile up labels without bound.
func ValidateMergedLabels(field string, merged map[string]string) []Violation {
	if len(merged) <= maxLabels {
		return nil
	}
	v := MaxItemsViolation(field, maxLabels)
	v.Reason = fmt.Sprintf("this update would leave %d labels, more than the %d allowed: remove some in the same update by setting them to null",
		len(merged), maxLabels)
	return []Violation{v}
}

// CreateLabels turns the labels of a create request into stored labels.
func CreateLabels(in map[string]*string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// applyLabels applies the labels of an update request: absent keeps current, null clears them
// and a value merges into them.
func applyLabels(current map[string]string, in Field[map[string]*string]) map[string]string {
	switch {
	case !in.Set:
		return current
	case in.Null:
		return map[string]string{}
	default:
		return MergeLabels(current, in.Value)
	}
}

// MergeLabels applies an update request's labels with JSON merge-patch semantics: keys with a
// value are set, keys with null are removed, keys not mentioned are kept.
func MergeLabels(current map[string]string, patch map[string]*string) map[string]string {
	out := maps.Clone(current)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	return out
}
