package appauth

// Reasons of a Decision: low-cardinality labels for metrics and access logs.
const (
	ReasonAllowed              = "allowed"
	ReasonMissingCredential    = "missing_credential"
	ReasonUnknownKey           = "unknown_key"
	ReasonExpiredKey           = "expired_key"
	ReasonInvalidToken         = "invalid_token"
	ReasonUnknownClient        = "unknown_client"
	ReasonNotRegistered        = "not_registered"
	ReasonRegistrationPending  = "registration_pending"
	ReasonRegistrationRejected = "registration_rejected"
	ReasonRegistrationRevoked  = "registration_revoked"
	ReasonStrategyNotAccepted  = "strategy_not_accepted"
	ReasonSuspended            = "suspended"
	ReasonDeveloperNotApproved = "developer_not_approved"
	ReasonIssuerUnavailable    = "issuer_unavailable"
)

// Decision is the outcome of authorizing one request.
type Decision struct {
	Allowed bool
	// Status is 401, 403 or 503 when not allowed, 0 when allowed.
	Status int
	// Reason is one of the Reason constants.
	Reason string
	// Detail is a sentence for the problem body; it never contains the key or token.
	Detail string
	// Challenge is the WWW-Authenticate value of a 401.
	Challenge string
	// App is set when the credential named an application.
	App *App
	// StrategyID is the auth strategy of the application the credential named.
	StrategyID string
}
