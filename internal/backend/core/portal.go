package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Portal visibility values.
const (
	VisibilityPublic  = "public"
	VisibilityPrivate = "private"
)

const (
	portalNameMax        = 255
	portalDescriptionMax = 512
)

// Portal is a developer portal as the backend stores it.
type Portal struct {
	ID                                         string
	Region                                     string
	Name                                       string
	DisplayName                                string
	Description                                *string
	AuthenticationEnabled                      bool
	RBACEnabled                                bool
	SIPREnabled                                bool
	DefaultAPIVisibility                       string
	DefaultPageVisibility                      string
	DefaultApplicationAuthStrategyID           *string
	AutoApproveDevelopers                      bool
	AutoApproveApplications                    bool
	NotificationsDeveloperPIIVisibilityEnabled bool
	Labels                                     map[string]string
	DefaultDomain                              string
	CreatedAt                                  time.Time
	UpdatedAt                                  time.Time
}

// CanonicalDomain is the portal's canonical address; without custom domains it is the default one.
func (p Portal) CanonicalDomain() string { return p.DefaultDomain }

// PortalInput is the body of a create or update portal request. Absent fields are left unset.
type PortalInput struct {
	Name                                       Field[string]
	DisplayName                                Field[string]
	Description                                Field[string]
	AuthenticationEnabled                      Field[bool]
	RBACEnabled                                Field[bool]
	SIPREnabled                                Field[bool]
	DefaultAPIVisibility                       Field[string]
	DefaultPageVisibility                      Field[string]
	DefaultApplicationAuthStrategyID           Field[string]
	AutoApproveDevelopers                      Field[bool]
	AutoApproveApplications                    Field[bool]
	NotificationsDeveloperPIIVisibilityEnabled Field[bool]
	Labels                                     Field[map[string]*string]
}

// ValidatePortalInput checks the fields of a portal request on their own; creating requires a name.
// Rules that involve the resulting portal as a whole are in ValidatePortal.
func ValidatePortalInput(in PortalInput, create bool) []Violation {
	var vs []Violation
	vs = append(vs, checkRequiredName(in.Name, create, portalNameMax)...)
	if in.DisplayName.HasValue() {
		vs = append(vs, checkNameString("display_name", in.DisplayName.Value, 1, portalNameMax)...)
	}
	if in.Description.HasValue() {
		vs = append(vs, checkString("description", in.Description.Value, 0, portalDescriptionMax)...)
	}
	if in.DefaultAPIVisibility.HasValue() {
		vs = append(vs, checkEnum("default_api_visibility", in.DefaultAPIVisibility.Value, VisibilityPublic, VisibilityPrivate)...)
	}
	if in.DefaultPageVisibility.HasValue() {
		vs = append(vs, checkEnum("default_page_visibility", in.DefaultPageVisibility.Value, VisibilityPublic, VisibilityPrivate)...)
	}
	if in.DefaultApplicationAuthStrategyID.HasValue() && !IsUUID(in.DefaultApplicationAuthStrategyID.Value) {
		vs = append(vs, UUIDViolation("default_application_auth_strategy_id"))
	}
	if in.Labels.HasValue() {
		// Portal requests use Konnect's LabelsUpdate schema on creation too: a null value is
		// allowed there and simply sets nothing.
		vs = append(vs, ValidateLabels("labels", in.Labels.Value, true)...)
	}
	return vs
}

// NewPortal builds a portal from a validated create request, applying the documented defaults:
// display_name = name, authentication on, every other switch off, both visibilities private.
func NewPortal(in PortalInput, id, region string, now time.Time) Portal {
	p := Portal{
		ID:                    id,
		Region:                region,
		AuthenticationEnabled: true,
		DefaultAPIVisibility:  VisibilityPrivate,
		DefaultPageVisibility: VisibilityPrivate,
		Labels:                map[string]string{},
		CreatedAt:             now,
	}
	if in.Labels.HasValue() {
		p.Labels = CreateLabels(in.Labels.Value)
	}
	p = applyPortalFields(p, in, now)
	if !in.DisplayName.HasValue() {
		p.DisplayName = p.Name
	}
	p.DefaultDomain = PortalDefaultDomain(p.Name, p.ID, p.Region)
	return p
}

// ApplyPortalInput applies an update request to p with merge semantics: absent fields are kept,
// null clears the nullable ones (description, default_application_auth_strategy_id, labels).
// The default domain is fixed at creation, so renaming a portal does not move it.
func ApplyPortalInput(p Portal, in PortalInput, now time.Time) Portal {
	p.Labels = applyLabels(p.Labels, in.Labels)
	return applyPortalFields(p, in, now)
}

func applyPortalFields(p Portal, in PortalInput, now time.Time) Portal {
	setValue(&p.Name, in.Name)
	setValue(&p.DisplayName, in.DisplayName)
	setNullable(&p.Description, in.Description)
	setValue(&p.AuthenticationEnabled, in.AuthenticationEnabled)
	setValue(&p.RBACEnabled, in.RBACEnabled)
	setValue(&p.SIPREnabled, in.SIPREnabled)
	setValue(&p.DefaultAPIVisibility, in.DefaultAPIVisibility)
	setValue(&p.DefaultPageVisibility, in.DefaultPageVisibility)
	setNullable(&p.DefaultApplicationAuthStrategyID, in.DefaultApplicationAuthStrategyID)
	setValue(&p.AutoApproveDevelopers, in.AutoApproveDevelopers)
	setValue(&p.AutoApproveApplications, in.AutoApproveApplications)
	setValue(&p.NotificationsDeveloperPIIVisibilityEnabled, in.NotificationsDeveloperPIIVisibilityEnabled)
	p.UpdatedAt = now
	return p
}

func setValue[T any](dst *T, f Field[T]) {
	if f.HasValue() {
		*dst = f.Value
	}
}

func setNullable[T any](dst **T, f Field[T]) {
	switch {
	case f.Null:
		*dst = nil
	case f.Set:
		v := f.Value
		*dst = &v
	}
}

// ValidatePortal checks the rules that span several fields of the resulting portal.
// RBAC restricts what signed-in developers see, so it has no meaning without authentication.
func ValidatePortal(p Portal) []Violation {
	if p.RBACEnabled && !p.AuthenticationEnabled {
		return []Violation{InvalidViolation("rbac_enabled",
			"RBAC requires developer authentication: set authentication_enabled to true or rbac_enabled to false")}
	}
	return nil
}

// WantsManagedKeyAuthStrategy reports whether creating a portal from in must also create a key-auth
// strategy to serve as its default: authentication is on (the default) and the request did not
// mention default_application_auth_strategy_id at all. An explicit null opts out.
func WantsManagedKeyAuthStrategy(in PortalInput) bool {
	authOn := !in.AuthenticationEnabled.HasValue() || in.AuthenticationEnabled.Value
	return authOn && !in.DefaultApplicationAuthStrategyID.Set
}

// ManagedStrategiesToRetire returns which of the key-auth strategies a portal created for itself
// (owned) an update leaves without purpose, given the request in and the resulting portal after:
// those that are no longer its default, and, once authentication is off, the default itself
// unless the request names it. Only updates that touch authentication_enabled or
// default_application_auth_strategy_id retire anything. The caller deletes a returned strategy
// only when no portal, publication or application uses it, and then clears the portal's default
// if it was that strategy.
func ManagedStrategiesToRetire(after Portal, in PortalInput, owned []string) []string {
	if !in.AuthenticationEnabled.Set && !in.DefaultApplicationAuthStrategyID.Set {
		return nil
	}
	var out []string
	for _, id := range owned {
		isDefault := after.DefaultApplicationAuthStrategyID != nil && *after.DefaultApplicationAuthStrategyID == id
		if !isDefault || (!after.AuthenticationEnabled && !in.DefaultApplicationAuthStrategyID.Set) {
			out = append(out, id)
		}
	}
	return out
}

// PortalContents is what deleting a portal deletes with it: its self-service objects and the
// APIs published to it.
type PortalContents struct {
	Developers    int
	Applications  int
	Registrations int
	APIKeys       int
	// PublishedAPIs names each API published to the portal, e.g. `"Orders" version "v1" (<id>)`.
	PublishedAPIs []string
}

// maxNamedPublishedAPIs bounds how many APIs a refused portal deletion names.
const maxNamedPublishedAPIs = 10

// PortalDeletionRefusal returns why a portal may not be deleted without force=true, or "" when it
// may: while developers or applications exist (deleting the portal would delete them, and with
// them the keys partners use) or APIs are published to it. The text counts what is in the way,
// names the blocking APIs and both ways out.
func PortalDeletionRefusal(name, id string, c PortalContents, force bool) string {
	if force || (c.Developers == 0 && c.Applications == 0 && len(c.PublishedAPIs) == 0) {
		return ""
	}
	var parts []string
	if c.Developers > 0 || c.Applications > 0 {
		parts = append(parts, fmt.Sprintf("%s and %s (with %s and %s)",
			plural(c.Developers, "developer"), plural(c.Applications, "application"),
			plural(c.Registrations, "registration"), plural(c.APIKeys, "API key")))
	}
	if n := len(c.PublishedAPIs); n > 0 {
		named := c.PublishedAPIs
		if n > maxNamedPublishedAPIs {
			named = append(slices.Clone(named[:maxNamedPublishedAPIs]), fmt.Sprintf("and %d more", n-maxNamedPublishedAPIs))
		}
		parts = append(parts, fmt.Sprintf("%s published to it: %s", plural(n, "API"), strings.Join(named, ", ")))
	}
	return fmt.Sprintf("Portal %q (%s) still has %s. Deleting it would delete all of this, and the API keys of its "+
		"applications would stop working. To delete it anyway, set force_destroy = true on the devportal_portal "+
		"resource (or send DELETE with ?force=true); otherwise unpublish the APIs and delete the developers and "+
		"applications first.", name, id, strings.Join(parts, "; and "))
}

// plural counts n things, e.g. "1 developer", "2 developers".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// ManagedKeyAuthStrategySuffix ends the name of the strategy created for a portal.
const ManagedKeyAuthStrategySuffix = "-key-auth"

// ManagedKeyAuthStrategyName names the key-auth strategy created for a portal: the portal name
// followed by "-key-auth", with the portal name cut so the whole fits the strategy name limit.
func ManagedKeyAuthStrategyName(portalName string) string {
	r := []rune(portalName)
	if limit := AuthStrategyNameMax - len(ManagedKeyAuthStrategySuffix); len(r) > limit {
		r = r[:limit]
	}
	return string(r) + ManagedKeyAuthStrategySuffix
}

// PortalDomainSuffix ends every default portal domain.
const PortalDomainSuffix = "portal.localhost"

// PortalDefaultDomain derives a portal's default domain,
// "<slug>-<first 8 hex digits of the id>.<region>.portal.localhost". The slug keeps the name's
// ASCII letters and digits in lower case, turns every run of other characters into one '-' and
// is cut to 40 characters ("portal" when nothing is left). The id part keeps two portals from
// sharing a domain once one is renamed to the other's former name.
func PortalDefaultDomain(name, id, region string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	slug := b.String()
	if len(slug) > 40 {
		slug = slug[:40]
	}
	slug = strings.Trim(slug, "-")
	if slug == "" {
		slug = "portal"
	}
	short := strings.ToLower(strings.ReplaceAll(id, "-", ""))
	if len(short) > 8 {
		short = short[:8]
	}
	return fmt.Sprintf("%s-%s.%s.%s", slug, short, region, PortalDomainSuffix)
}
