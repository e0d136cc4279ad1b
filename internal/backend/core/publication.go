package core

import (
	"time"
)

// Publication is an API published to a portal.
type Publication struct {
	APIID    string
	PortalID string
	Region   string
	// AuthStrategyID is the strategy applications of the portal use for this API, resolved when the
	// API was published; nil means no application auth.
	AuthStrategyID           *string
	Visibility               string
	AutoApproveRegistrations bool
	CreatedAt                time.Time
	UpdatedAt                time.Time
}

// PublicationInput is the body of a publish request.
type PublicationInput struct {
	AuthStrategyIDs          Field[[]string]
	Visibility               Field[string]
	AutoApproveRegistrations Field[bool]
}

// ValidatePublicationInput checks a publish request on its own: auth_strategy_ids holds exactly one
// UUID when it is not null.
func ValidatePublicationInput(in PublicationInput) []Violation {
	var vs []Violation
	if in.AuthStrategyIDs.HasValue() {
		ids := in.AuthStrategyIDs.Value
		switch {
		case len(ids) == 0:
			v := MinItemsViolation("auth_strategy_ids", 1)
			v.Reason = "must hold exactly one strategy id; send null to publish without application auth, or leave it out for the portal's default"
			vs = append(vs, v)
		case len(ids) > 1:
			v := MaxItemsViolation("auth_strategy_ids", 1)
			v.Reason = "must hold exactly one strategy id: an API uses one application auth strategy per portal"
			vs = append(vs, v)
		case !IsUUID(ids[0]):
			vs = append(vs, UUIDViolation("auth_strategy_ids[0]"))
		}
	}
	if in.Visibility.HasValue() {
		vs = append(vs, checkEnum("visibility", in.Visibility.Value, VisibilityPublic, VisibilityPrivate)...)
	}
	return vs
}

// ResolvePublication builds the publication a valid request describes for portal. An omitted
// auth_strategy_ids takes the portal's default strategy as it is now; later changes of that default do
// not reach this publication. An omitted visibility takes the portal's default_api_visibility, the
// visibility the portal gives newly published APIs, and private when the portal has none.
func ResolvePublication(in PublicationInput, apiID string, portal Portal, createdAt, now time.Time) Publication {
	p := Publication{APIID: apiID, PortalID: portal.ID, Region: portal.Region, Visibility: VisibilityPrivate,
		CreatedAt: createdAt, UpdatedAt: now}
	switch {
	case !in.AuthStrategyIDs.Set:
		if portal.DefaultApplicationAuthStrategyID != nil {
			id := *portal.DefaultApplicationAuthStrategyID
			p.AuthStrategyID = &id
		}
	case in.AuthStrategyIDs.HasValue():
		id := in.AuthStrategyIDs.Value[0]
		p.AuthStrategyID = &id
	}
	if in.Visibility.HasValue() {
		p.Visibility = in.Visibility.Value
	} else if portal.DefaultAPIVisibility != "" {
		p.Visibility = portal.DefaultAPIVisibility
	}
	setValue(&p.AutoApproveRegistrations, in.AutoApproveRegistrations)
	return p
}

// KAAStrategyOf returns what the managed plugin needs of an application auth strategy.
func KAAStrategyOf(s AuthStrategy) KAAStrategy {
	k := KAAStrategy{ID: s.ID, Type: s.StrategyType}
	switch s.StrategyType {
	case StrategyKeyAuth:
		k.KeyNames = s.KeyAuth.KeyNames
	case StrategyOpenIDConnect:
		k.OIDCConfig = s.OpenIDConnect
	}
	return k
}

// KAAInputOf gathers what decides the managed plugin of an API: its publications, the strategies they
// use and its service link (nil when unlinked).
func KAAInputOf(apiID string, pubs []Publication, strategies []AuthStrategy, link *KAAServiceLink) KAAInput {
	in := KAAInput{APIID: apiID, Strategies: map[string]KAAStrategy{}, Link: link}
	for _, p := range pubs {
		kp := KAAPublication{PortalID: p.PortalID}
		if p.AuthStrategyID != nil {
			kp.AuthStrategyIDs = []string{*p.AuthStrategyID}
		}
		in.Publications = append(in.Publications, kp)
	}
	for _, s := range strategies {
		in.Strategies[s.ID] = KAAStrategyOf(s)
	}
	return in
}
