package core

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"
	"unicode"
)

const (
	apiNameMax           = 255
	apiVersionMax        = 255
	apiAttributeValues   = 20
	apiAttributeValueMax = 512
	apiSlugFallback      = "api"
)

var (
	apiSlugPattern         = regexp.MustCompile(`^[\w-]+$`)
	apiAttributeKeyPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
)

// API is an entry of the API catalog: what portals publish and gateway services implement.
type API struct {
	ID          string
	Region      string
	Name        string
	Version     *string
	Description *string
	Slug        string
	Labels      map[string]string
	Attributes  map[string][]string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// APIImplementationMode is the implementation_mode of an API linked to a gateway service.
const APIImplementationMode = "gateway_entity_binding"

// APIInput is the body of a create or update API request.
type APIInput struct {
	Name        Field[string]
	Version     Field[string]
	Description Field[string]
	Slug        Field[string]
	Labels      Field[map[string]*string]
	// Attributes holds the given attributes; a nil list means "remove this key" in updates.
	Attributes Field[map[string][]string]
}

// ValidateAPIInput checks an API request; creating requires a name.
func ValidateAPIInput(in APIInput, create bool) []Violation {
	var vs []Violation
	vs = append(vs, checkRequiredName(in.Name, create, apiNameMax)...)
	if in.Version.HasValue() {
		vs = append(vs, checkNameString("version", in.Version.Value, 1, apiVersionMax)...)
	}
	if in.Slug.HasValue() && !apiSlugPattern.MatchString(in.Slug.Value) {
		vs = append(vs, Violation{Field: "slug", Rule: "matches_regex", Source: "body",
			Reason: "must contain only letters, digits, '_' and '-'"})
	}
	if in.Labels.HasValue() {
		vs = append(vs, ValidateLabels("labels", in.Labels.Value, !create)...)
	}
	if in.Attributes.HasValue() {
		vs = append(vs, validateAPIAttributes(in.Attributes.Value, !create)...)
	}
	return vs
}

func validateAPIAttributes(attrs map[string][]string, allowNull bool) []Violation {
	var vs []Violation
	for _, k := range sortedKeys(attrs) {
		name := "attributes." + k
		if !apiAttributeKeyPattern.MatchString(k) {
			vs = append(vs, Violation{Field: name, Rule: "matches_regex", Source: "body",
				Reason: "attribute keys may contain only lower-case letters, digits, '-' and '_'"})
			continue
		}
		values := attrs[k]
		if values == nil {
			if !allowNull {
				vs = append(vs, InvalidViolation(name, "attribute values must be lists of strings"))
			}
			continue
		}
		switch {
		case len(values) < 1:
			vs = append(vs, MinItemsViolation(name, 1))
		case len(values) > apiAttributeValues:
			vs = append(vs, MaxItemsViolation(name, apiAttributeValues))
		}
		for _, v := range values {
			if v == "" || len([]rune(v)) > apiAttributeValueMax || strings.ContainsAny(v, ",<>") {
				vs = append(vs, InvalidViolation(name, fmt.Sprintf(
					"attribute values must be 1-%d characters without ',', '<' or '>'", apiAttributeValueMax)))
				break
			}
		}
	}
	return vs
}

// DefaultAPISlug derives a slug from name and version as Konnect documents it, slugify(name + version):
// lower-cased letters and digits, with every run of other characters turned into one '-'.
func DefaultAPISlug(name string, version *string) string {
	s := name
	if version != nil {
		s += "-" + *version
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		return apiSlugFallback
	}
	return slug
}

// NewAPI builds the API a valid create request describes. The slug defaults from name and version.
func NewAPI(in APIInput, id, region string, now time.Time) API {
	a := API{ID: id, Region: region, Labels: CreateLabels(in.Labels.Value), Attributes: map[string][]string{},
		CreatedAt: now, UpdatedAt: now}
	a = applyAPIFields(a, in, now)
	if in.Attributes.HasValue() {
		for k, v := range in.Attributes.Value {
			if v != nil {
				a.Attributes[k] = v
			}
		}
	}
	if a.Slug == "" {
		a.Slug = DefaultAPISlug(a.Name, a.Version)
	}
	return a
}

// ApplyAPIInput applies an update request. Labels and attributes merge key by key; a null slug
// goes back to the default derived from the resulting name and version.
func ApplyAPIInput(a API, in APIInput, now time.Time) API {
	a.Labels = applyLabels(a.Labels, in.Labels)
	if in.Attributes.Set {
		if in.Attributes.Null {
			a.Attributes = map[string][]string{}
		} else {
			merged := maps.Clone(a.Attributes)
			if merged == nil {
				merged = map[string][]string{}
			}
			for k, v := range in.Attributes.Value {
				if v == nil {
					delete(merged, k)
				} else {
					merged[k] = v
				}
			}
			a.Attributes = merged
		}
	}
	a = applyAPIFields(a, in, now)
	if in.Slug.Null {
		a.Slug = DefaultAPISlug(a.Name, a.Version)
	}
	return a
}

func applyAPIFields(a API, in APIInput, now time.Time) API {
	setValue(&a.Name, in.Name)
	setNullable(&a.Version, in.Version)
	setNullable(&a.Description, in.Description)
	setValue(&a.Slug, in.Slug)
	a.UpdatedAt = now
	return a
}

// APIVersionKey is the version used in the name + version uniqueness rule: "" for an unversioned API.
func APIVersionKey(version *string) string {
	if version == nil {
		return ""
	}
	return *version
}

// APILabel names an API in messages: its name, with the version when it has one.
func APILabel(name string, version *string) string {
	if version == nil {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q version %q", name, *version)
}
