package core

import (
	"slices"
	"testing"
	"time"
)

func TestValidatePublicationInput(t *testing.T) {
	id := "5f9fd312-a987-4628-b4c5-bb4f4fddd5f7"
	tests := []struct {
		name string
		in   PublicationInput
		want []string
	}{
		{"omitted", PublicationInput{}, []string{}},
		{"null", PublicationInput{AuthStrategyIDs: Null[[]string]()}, []string{}},
		{"one", PublicationInput{AuthStrategyIDs: Val([]string{id})}, []string{}},
		{"none", PublicationInput{AuthStrategyIDs: Val([]string{})}, []string{"auth_strategy_ids:min_items"}},
		{"two", PublicationInput{AuthStrategyIDs: Val([]string{id, id})}, []string{"auth_strategy_ids:max_items"}},
		{"not a uuid", PublicationInput{AuthStrategyIDs: Val([]string{"x"})}, []string{"auth_strategy_ids[0]:is_uuid"}},
		{"visibility", PublicationInput{Visibility: Val("hidden")}, []string{"visibility:enum"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violationFields(ValidatePublicationInput(tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("violations %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolvePublication(t *testing.T) {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := created.Add(time.Hour)
	portal := Portal{ID: "portal", Region: "us", DefaultApplicationAuthStrategyID: ptr("default"), DefaultAPIVisibility: VisibilityPublic}
	bare := Portal{ID: "bare", Region: "us"}
	tests := []struct {
		name           string
		in             PublicationInput
		portal         Portal
		wantStrategy   *string
		wantVisibility string
	}{
		{"omitted takes the portal defaults", PublicationInput{}, portal, ptr("default"), VisibilityPublic},
		{"null means no application auth", PublicationInput{AuthStrategyIDs: Null[[]string]()}, portal, nil, VisibilityPublic},
		{"explicit strategy and visibility", PublicationInput{AuthStrategyIDs: Val([]string{"mine"}), Visibility: Val(VisibilityPrivate)},
			portal, ptr("mine"), VisibilityPrivate},
		{"portal without defaults", PublicationInput{}, bare, nil, VisibilityPrivate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ResolvePublication(tt.in, "api", tt.portal, created, now)
			if (p.AuthStrategyID == nil) != (tt.wantStrategy == nil) || (p.AuthStrategyID != nil && *p.AuthStrategyID != *tt.wantStrategy) {
				t.Errorf("strategy %v, want %v", p.AuthStrategyID, tt.wantStrategy)
			}
			if p.Visibility != tt.wantVisibility || p.APIID != "api" || p.PortalID != tt.portal.ID || p.Region != "us" ||
				!p.CreatedAt.Equal(created) || !p.UpdatedAt.Equal(now) || p.AutoApproveRegistrations {
				t.Errorf("publication %+v", p)
			}
		})
	}
	// The resolved id is a copy: changing the portal's default afterwards leaves the publication alone.
	p := ResolvePublication(PublicationInput{}, "api", portal, created, now)
	*portal.DefaultApplicationAuthStrategyID = "changed"
	if *p.AuthStrategyID != "default" {
		t.Errorf("publication follows the portal default: %s", *p.AuthStrategyID)
	}
}

func TestKAAInputOf(t *testing.T) {
	pubs := []Publication{
		{PortalID: "a", AuthStrategyID: ptr("s1")},
		{PortalID: "b"},
		{PortalID: "c", AuthStrategyID: ptr("s2")},
	}
	strategies := []AuthStrategy{
		{ID: "s1", StrategyType: StrategyKeyAuth, KeyAuth: KeyAuthConfig{KeyNames: []string{"apikey"}}},
		{ID: "s2", StrategyType: StrategyOpenIDConnect, OpenIDConnect: map[string]any{"issuer": "https://idp"}},
	}
	link := &KAAServiceLink{ControlPlaneID: "cp", ServiceID: "svc"}
	in := KAAInputOf("api", pubs, strategies, link)
	plugin, err := KAADesiredPlugin(in)
	if err != nil || plugin == nil {
		t.Fatalf("KAADesiredPlugin = %v, %v", plugin, err)
	}
	v2 := plugin.Config["v2_strategies"].(map[string]any)
	if len(v2[KAAStrategyKeyAuth].([]any)) != 1 || len(v2[KAAStrategyOpenIDConnect].([]any)) != 1 {
		t.Errorf("v2_strategies %v, want one key-auth and one OIDC strategy", v2)
	}
	if len(in.Publications) != 3 || len(in.Publications[1].AuthStrategyIDs) != 0 {
		t.Errorf("publications %+v", in.Publications)
	}
	if got, _ := KAADesiredPlugin(KAAInputOf("api", pubs, strategies, nil)); got != nil {
		t.Errorf("plugin without a link: %+v", got)
	}
}
