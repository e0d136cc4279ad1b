package core

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Fixed attributes of the managed application auth plugin, as the gateway and Konnect know them.
const (
	KAAPluginName = "konnect-application-auth"
	KAAManagedTag = "konnect-managed-plugin"
	KAAAuthType   = "v2-strategies"
)

// Strategy types as they appear in auth strategies and as keys of the plugin's v2_strategies.
const (
	KAAStrategyKeyAuth       = "key_auth"
	KAAStrategyOpenIDConnect = "openid_connect"
)

// KAAStrategy is the part of an application auth strategy that the gateway plugin needs.
type KAAStrategy struct {
	ID string
	// Type is KAAStrategyKeyAuth or KAAStrategyOpenIDConnect.
	Type     string
	KeyNames []string
	// OIDCConfig is passed to the plugin unchanged, so fields the backend does not model still reach
	// the gateway.
	OIDCConfig map[string]any
}

// KAAPublication is one publication of the API: the portal and the strategies it uses after the portal
// default was applied (empty when published without application auth).
type KAAPublication struct {
	PortalID        string
	AuthStrategyIDs []string
}

// KAAServiceLink is the gateway service that implements the API.
type KAAServiceLink struct {
	ControlPlaneID string
	ServiceID      string
}

// KAAInput is everything that decides the managed plugin of one API.
type KAAInput struct {
	APIID        string
	Publications []KAAPublication
	// Strategies holds at least every strategy a publication refers to, by id.
	Strategies map[string]KAAStrategy
	// Link is nil while the API has no implementation.
	Link *KAAServiceLink
}

// KAAPlugin is a konnect-application-auth plugin instance on a gateway service.
type KAAPlugin struct {
	// ID is empty in desired plugins; the store assigns it on create.
	ID             string
	ControlPlaneID string
	ServiceID      string
	Name           string
	Enabled        bool
	Protocols      []string
	Tags           []string
	// Config has the wire shape of the plugin's config object.
	Config map[string]any
}

// KAADesiredPlugin returns the plugin the backend must own for one API, or nil when the API needs none:
// it has no service link, or no publication uses a strategy. One plugin covers the distinct strategies of
// all publications, ordered by id so the result is stable. A publication that names a strategy missing from
// in.Strategies, or a strategy of unknown type, is an error: applying a plugin that silently lacks a
// strategy would lock out that portal's applications.
func KAADesiredPlugin(in KAAInput) (*KAAPlugin, error) {
	if in.Link == nil {
		return nil, nil
	}
	ids := map[string]bool{}
	for _, pub := range in.Publications {
		for _, id := range pub.AuthStrategyIDs {
			ids[id] = true
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	keyAuth := []any{}
	oidc := []any{}
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		s, ok := in.Strategies[id]
		if !ok {
			return nil, fmt.Errorf("API %s is published with auth strategy %s, which does not exist", in.APIID, id)
		}
		switch s.Type {
		case KAAStrategyKeyAuth:
			keyNames := []any{}
			for _, k := range s.KeyNames {
				keyNames = append(keyNames, k)
			}
			keyAuth = append(keyAuth, map[string]any{
				"strategy_id": id,
				"config":      map[string]any{"key_names": keyNames},
			})
		case KAAStrategyOpenIDConnect:
			config := map[string]any{}
			for k, v := range s.OIDCConfig {
				config[k] = kaaCopyValue(v)
			}
			oidc = append(oidc, map[string]any{
				"strategy_id": id,
				"config":      config,
			})
		default:
			return nil, fmt.Errorf("auth strategy %s has type %q; the gateway plugin supports %s and %s",
				id, s.Type, KAAStrategyKeyAuth, KAAStrategyOpenIDConnect)
		}
	}
	return &KAAPlugin{
		ControlPlaneID: in.Link.ControlPlaneID,
		ServiceID:      in.Link.ServiceID,
		Name:           KAAPluginName,
		Enabled:        true,
		Protocols:      []string{"http", "https"},
		Tags:           []string{KAAManagedTag},
		Config: map[string]any{
			// The scope ties gateway credentials to this API, so a key registered for one API is not
			// accepted by another API that shares the strategy.
			"scope":     in.APIID,
			"auth_type": KAAAuthType,
			"v2_strategies": map[string]any{
				KAAStrategyKeyAuth:       keyAuth,
				KAAStrategyOpenIDConnect: oidc,
			},
		},
	}, nil
}

// kaaCopyValue deep-copies JSON-like values so a desired plugin never aliases a strategy's maps.
func kaaCopyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = kaaCopyValue(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = kaaCopyValue(e)
		}
		return s
	case []string:
		return slices.Clone(v)
	default:
		return v
	}
}

// KAAPluginScope returns the scope in a plugin's config: the id of the API the plugin serves.
func KAAPluginScope(p KAAPlugin) string {
	s, _ := p.Config["scope"].(string)
	return s
}

// KAAIsManagedPlugin reports whether a plugin with this name and these tags is owned by the backend. Users
// may not create, change or delete such plugins: Kong allows one plugin of a name per service, so a
// hand-made application auth plugin would also collide with the managed one.
func KAAIsManagedPlugin(name string, tags []string) bool {
	return name == KAAPluginName || slices.Contains(tags, KAAManagedTag)
}

// KAAPlan is the set of changes that turns the current managed plugins into the desired ones.
type KAAPlan struct {
	Create []KAAPlugin
	// Update holds desired plugins carrying the id of the current plugin they replace.
	Update []KAAPlugin
	Delete []KAAPlugin
}

// Empty reports whether the plan changes nothing.
func (p KAAPlan) Empty() bool {
	return len(p.Create) == 0 && len(p.Update) == 0 && len(p.Delete) == 0
}

type kaaServiceKey struct{ controlPlaneID, serviceID string }

func kaaKeyOf(p KAAPlugin) kaaServiceKey { return kaaServiceKey{p.ControlPlaneID, p.ServiceID} }

func kaaCompare(a, b KAAPlugin) int {
	return cmp.Or(
		cmp.Compare(a.ControlPlaneID, b.ControlPlaneID),
		cmp.Compare(a.ServiceID, b.ServiceID),
		cmp.Compare(a.ID, b.ID),
	)
}

// KAAReconcile compares plugins per control plane and service. current must hold the managed plugins of
// the APIs whose desired plugins are given (e.g. all managed plugins whose scope is the API), so that a
// plugin left on a service after a relink is deleted while the new service gets one: a transfer. A
// service with several current plugins keeps the one with the lowest id; the others are deleted. Only the
// first desired plugin per service (in input order) counts, since a service serves a single API. The plan
// lists plugins in control plane, service, id order; equal inputs give an empty plan.
func KAAReconcile(current, desired []KAAPlugin) KAAPlan {
	var plan KAAPlan
	kept := map[kaaServiceKey]KAAPlugin{}
	for _, c := range slices.SortedFunc(slices.Values(current), kaaCompare) {
		k := kaaKeyOf(c)
		if _, dup := kept[k]; dup {
			plan.Delete = append(plan.Delete, c)
			continue
		}
		kept[k] = c
	}
	wanted := map[kaaServiceKey]bool{}
	byService := slices.Clone(desired)
	slices.SortStableFunc(byService, func(a, b KAAPlugin) int {
		return cmp.Or(cmp.Compare(a.ControlPlaneID, b.ControlPlaneID), cmp.Compare(a.ServiceID, b.ServiceID))
	})
	for _, d := range byService {
		k := kaaKeyOf(d)
		if wanted[k] {
			continue
		}
		wanted[k] = true
		c, ok := kept[k]
		switch {
		case !ok:
			d.ID = ""
			plan.Create = append(plan.Create, d)
		case !kaaSamePlugin(c, d):
			d.ID = c.ID
			plan.Update = append(plan.Update, d)
		}
	}
	for _, c := range kept {
		if !wanted[kaaKeyOf(c)] {
			plan.Delete = append(plan.Delete, c)
		}
	}
	slices.SortFunc(plan.Delete, kaaCompare)
	return plan
}

// kaaSamePlugin compares everything but the id. Configs are compared as JSON because a plugin read back
// from storage holds []any and float64 where a freshly computed one holds []string and int.
func kaaSamePlugin(a, b KAAPlugin) bool {
	if a.Name != b.Name || a.Enabled != b.Enabled ||
		!slices.Equal(a.Protocols, b.Protocols) || !slices.Equal(a.Tags, b.Tags) {
		return false
	}
	ja, errA := json.Marshal(a.Config)
	jb, errB := json.Marshal(b.Config)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
