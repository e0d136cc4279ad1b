package core

import (
	"fmt"
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
