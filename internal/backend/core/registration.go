package core

import (
	"fmt"
	"slices"
	"strings"
)

// RegistrationStatus is the state of an application's registration with an API.
type RegistrationStatus string

// Registration statuses, as on the wire.
const (
	RegistrationApproved RegistrationStatus = "approved"
	RegistrationPending  RegistrationStatus = "pending"
	RegistrationRejected RegistrationStatus = "rejected"
	RegistrationRevoked  RegistrationStatus = "revoked"
)

// RegistrationStatuses lists the valid statuses in the order error messages show them.
var RegistrationStatuses = []RegistrationStatus{
	RegistrationApproved, RegistrationPending, RegistrationRejected, RegistrationRevoked,
}

// ParseRegistrationStatus checks s against the valid statuses; the error text is suitable as a 400 reason.
func ParseRegistrationStatus(s string) (RegistrationStatus, error) {
	if st := RegistrationStatus(s); slices.Contains(RegistrationStatuses, st) {
		return st, nil
	}
	return "", fmt.Errorf("registration status %q is not valid; use one of approved, pending, rejected, revoked", s)
}

// RegistrationApprovalInput holds what decides the status of a new registration.
type RegistrationApprovalInput struct {
	// Explicit is the status an administrator set when creating the registration (already checked with
	// ParseRegistrationStatus); empty when none.
	Explicit RegistrationStatus
	// PortalAutoApproveApplications is the portal's auto_approve_applications setting.
	PortalAutoApproveApplications bool
	// PublicationAutoApproveRegistrations is the publication's auto_approve_registrations setting.
	PublicationAutoApproveRegistrations bool
}

// InitialRegistrationStatus returns the status of a new registration: an administrator's explicit choice
// wins; otherwise either auto-approval setting approves it; otherwise it waits for approval.
func InitialRegistrationStatus(in RegistrationApprovalInput) RegistrationStatus {
	switch {
	case in.Explicit != "":
		return in.Explicit
	case in.PortalAutoApproveApplications, in.PublicationAutoApproveRegistrations:
		return RegistrationApproved
	default:
		return RegistrationPending
	}
}

// RegistrationAllowsTraffic reports whether the gateway should accept the application's credentials for
// the API: the registration is approved and not suspended (see RegistrationSuspendedReason).
func RegistrationAllowsTraffic(status RegistrationStatus, suspendedReason string) bool {
	return status == RegistrationApproved && suspendedReason == ""
}

// RegistrationSuspendedReason returns why a registration grants no access whatever its status, or
// "" when it is not suspended: an application's auth strategy must be one of the strategies its
// API's publication accepts, and a publication whose strategy changed (or that dropped application
// auth) no longer accepts the credentials of applications registered under the old one. The
// suspension is derived from the current publication rather than stored, so the registration
// grants access again, with its status as it was, once the publication accepts the strategy again.
func RegistrationSuspendedReason(applicationAuthStrategyID string, publicationAuthStrategyIDs []string) string {
	if slices.Contains(publicationAuthStrategyIDs, applicationAuthStrategyID) {
		return ""
	}
	accepts := "is published without application auth"
	if len(publicationAuthStrategyIDs) > 0 {
		accepts = "accepts only auth strategy " + strings.Join(publicationAuthStrategyIDs, ", ")
	}
	return fmt.Sprintf("the application uses auth strategy %s but the API's publication on this portal %s, so this "+
		"registration grants no access whatever its status; it does again once the publication accepts that strategy",
		applicationAuthStrategyID, accepts)
}

// RegistrationEligibilityInput describes an attempt to register an application with an API on a portal.
type RegistrationEligibilityInput struct {
	PortalAuthenticationEnabled bool
	// Published is whether the API has a publication on the application's portal.
	Published bool
	// PublicationAuthStrategyIDs are the strategies of that publication after the portal default was
	// applied; empty when published without application auth.
	PublicationAuthStrategyIDs []string
	ApplicationAuthStrategyID  string
}

// RegistrationRefusal says why an application may not register with an API.
type RegistrationRefusal int

// Reasons a registration is refused, from the portal outward.
const (
	// RegistrationAuthenticationDisabled: the portal has no user authentication, so nobody owns applications.
	RegistrationAuthenticationDisabled RegistrationRefusal = iota + 1
	// RegistrationNotPublished: the API is not published to the application's portal.
	RegistrationNotPublished
	// RegistrationNoAuthStrategy: the publication has no application auth.
	RegistrationNoAuthStrategy
	// RegistrationStrategyMismatch: the application authenticates with a strategy the publication does not use.
	RegistrationStrategyMismatch
)

// RegistrationRefusedError is the error CheckRegistrationEligibility returns.
type RegistrationRefusedError struct {
	Reason RegistrationRefusal
	// ApplicationAuthStrategyID and PublicationAuthStrategyIDs are copied from the input for the message.
	ApplicationAuthStrategyID  string
	PublicationAuthStrategyIDs []string
}

func (e *RegistrationRefusedError) Error() string {
	switch e.Reason {
	case RegistrationAuthenticationDisabled:
		return "the portal does not have user authentication enabled; enable authentication_enabled on the portal to allow registrations"
	case RegistrationNotPublished:
		return "the API is not published to this portal; publish it before registering applications"
	case RegistrationNoAuthStrategy:
		return "the API is published to this portal without an auth strategy; publish it with auth_strategy_ids to allow registrations"
	case RegistrationStrategyMismatch:
		return fmt.Sprintf("the application uses auth strategy %q but the API's publication on this portal accepts %s; "+
			"register an application that uses that strategy", e.ApplicationAuthStrategyID,
			strings.Join(e.PublicationAuthStrategyIDs, ", "))
	default:
		return "registration is not allowed"
	}
}

// DeveloperMessage says why the registration is refused in words for the developer who asked, naming no
// settings, fields or ids that only administrators see.
func (e *RegistrationRefusedError) DeveloperMessage() string {
	switch e.Reason {
	case RegistrationAuthenticationDisabled:
		return "this portal does not offer applications"
	case RegistrationNotPublished:
		return "the API is not available on this portal"
	case RegistrationNoAuthStrategy:
		return "the API does not use application credentials, so applications need not register with it"
	case RegistrationStrategyMismatch:
		return "the application's credentials are of a kind this API does not accept; register an application " +
			"created with the API's auth strategy (see the API's auth_strategies)"
	default:
		return "registration is not allowed"
	}
}

// CheckRegistrationEligibility returns nil when the application may register with the API, and a
// *RegistrationRefusedError naming the first unmet condition otherwise.
func CheckRegistrationEligibility(in RegistrationEligibilityInput) error {
	refuse := func(r RegistrationRefusal) error {
		return &RegistrationRefusedError{
			Reason:                     r,
			ApplicationAuthStrategyID:  in.ApplicationAuthStrategyID,
			PublicationAuthStrategyIDs: slices.Clone(in.PublicationAuthStrategyIDs),
		}
	}
	switch {
	case !in.PortalAuthenticationEnabled:
		return refuse(RegistrationAuthenticationDisabled)
	case !in.Published:
		return refuse(RegistrationNotPublished)
	case len(in.PublicationAuthStrategyIDs) == 0:
		return refuse(RegistrationNoAuthStrategy)
	case in.ApplicationAuthStrategyID == "" || !slices.Contains(in.PublicationAuthStrategyIDs, in.ApplicationAuthStrategyID):
		return refuse(RegistrationStrategyMismatch)
	}
	return nil
}
