package conformance

import (
	"testing"
)

// TestLifecycleConforms drives the publication lifecycle: a control plane with a data-plane node
// and a service, an API linked to the service and published to a portal with an auth strategy,
// the managed plugin that follows, and the teardown; it fails listing every response that the
// documents reject.
func TestLifecycleConforms(t *testing.T) {
	c, rec := startCheckedBackend(t)
	const missing = "00000000-0000-4000-8000-000000000000"

	portal := c.id(c.do("POST", "/v3/portals", 201, obj{"name": "conformance-lifecycle"}))
	strategy := c.id(c.do("POST", "/v2/application-auth-strategies", 201, obj{
		"name": "conformance-lifecycle-key", "display_name": "Key", "strategy_type": "key_auth",
		"configs": obj{"key-auth": obj{"key_names": []string{"apikey"}}},
	}))

	// Control plane, node and service: control planes themselves are outside the documents.
	cp := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "conformance-cp"}))
	cpPath := "/v2/control-planes/" + cp
	c.do("POST", cpPath+"/nodes", 201, obj{"hostname": "dp-1", "version": "3.9.1"})
	c.do("GET", cpPath+"/nodes", 200, nil)
	svc := c.id(c.do("POST", cpPath+"/core-entities/services", 201, obj{"name": "orders", "protocol": "http", "host": "orders.internal", "port": 8080, "path": "/v1"}))
	c.do("GET", cpPath+"/core-entities/services", 200, nil)
	c.do("GET", cpPath+"/core-entities/services/"+svc, 200, nil)
	c.do("PUT", cpPath+"/core-entities/services/"+svc, 200, obj{"name": "orders", "host": "orders.internal", "port": 8081, "protocol": "http"})
	c.do("GET", cpPath+"/core-entities/services/"+missing, 404, nil)
	c.do("POST", cpPath+"/core-entities/services", 400, obj{"name": "bad", "port": "eighty"})
	c.doRaw("GET", cpPath+"/core-entities/services", 401, nil, "")

	// API, service link and publication.
	api := c.id(c.do("POST", "/v3/apis", 201, obj{"name": "Orders", "version": "1.0.0", "description": "Orders API"}))
	c.do("GET", "/v3/apis", 200, nil)
	c.do("GET", "/v3/apis/"+api, 200, nil)
	c.do("PATCH", "/v3/apis/"+api, 200, obj{"description": "Orders API, v1"})
	c.do("POST", "/v3/apis", 400, obj{"version": "1.0.0"})
	c.do("GET", "/v3/apis/"+missing, 404, nil)
	impl := c.id(c.do("POST", "/v3/apis/"+api+"/implementations", 201, obj{"service": obj{"control_plane_id": cp, "id": svc}}))
	c.do("GET", "/v3/apis/"+api+"/implementations/"+impl, 200, nil)
	c.do("GET", "/v3/api-implementations", 200, nil)
	c.do("POST", "/v3/apis/"+api+"/implementations", 409, obj{"service": obj{"control_plane_id": cp, "id": svc}})
	c.do("PUT", "/v3/apis/"+api+"/publications/"+portal, 200, obj{"auth_strategy_ids": []string{strategy}, "visibility": "public"})
	c.do("PUT", "/v3/apis/"+api+"/publications/"+portal, 200, obj{"auth_strategy_ids": []string{strategy}, "visibility": "private", "auto_approve_registrations": true})
	c.do("GET", "/v3/apis/"+api+"/publications/"+portal, 200, nil)
	c.do("GET", "/v3/api-publications", 200, nil)
	c.do("PUT", "/v3/apis/"+api+"/publications/"+missing, 404, obj{"visibility": "public"})
	plugins := c.do("GET", cpPath+"/core-entities/services/"+svc+"/plugins", 200, nil)
	c.do("GET", cpPath+"/core-entities/plugins", 200, nil)
	managed := managedPluginID(t, plugins)
	c.do("GET", cpPath+"/core-entities/plugins/"+managed, 200, nil)
	c.do("DELETE", cpPath+"/core-entities/plugins/"+managed, anyClientError, nil)
	c.do("PUT", cpPath+"/core-entities/plugins/"+managed, anyClientError, obj{"name": "konnect-application-auth", "enabled": false})
	c.do("POST", cpPath+"/core-entities/services/"+svc+"/plugins", anyClientError, obj{"name": "konnect-application-auth"})
	own := c.id(c.do("POST", cpPath+"/core-entities/services/"+svc+"/plugins", 201, obj{"name": "rate-limiting", "config": obj{"minute": 5}}))
	c.do("GET", cpPath+"/core-entities/services/"+svc+"/plugins/"+own, 200, nil)
	c.do("DELETE", cpPath+"/core-entities/services/"+svc+"/plugins/"+own, 204, nil)
	c.do("GET", cpPath+"/core-entities/plugins/"+missing, 404, nil)
	c.do("DELETE", "/v2/application-auth-strategies/"+strategy, 409, nil)
	c.do("DELETE", "/v3/portals/"+portal, 409, nil)

	// A gateway older than 3.6 cannot enforce auth strategies: linking its service is refused.
	oldCP := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "conformance-old-cp"}))
	oldPath := "/v2/control-planes/" + oldCP
	c.do("POST", oldPath+"/nodes", 201, obj{"hostname": "dp-old", "version": "3.4.2"})
	oldSvc := c.id(c.do("POST", oldPath+"/core-entities/services", 201, obj{"name": "legacy", "host": "legacy.internal"}))
	api2 := c.id(c.do("POST", "/v3/apis", 201, obj{"name": "Legacy", "version": "1.0.0"}))
	c.do("POST", "/v3/apis/"+api2+"/implementations", 400, obj{"service": obj{"control_plane_id": oldCP, "id": oldSvc}})
	c.do("POST", "/v3/apis/"+api2+"/implementations", 409, obj{"service": obj{"control_plane_id": cp, "id": svc}})
	c.do("DELETE", "/v3/apis/"+api2, 204, nil)

	// Teardown.
	c.do("DELETE", "/v3/apis/"+api+"/publications/"+portal, 204, nil)
	c.do("DELETE", "/v3/apis/"+api+"/publications/"+portal, 404, nil)
	c.do("DELETE", "/v3/apis/"+api+"/implementations/"+impl, 204, nil)
	c.do("DELETE", "/v3/apis/"+api, 204, nil)
	c.do("DELETE", "/v3/apis/"+api, 404, nil)
	c.do("DELETE", cpPath+"/core-entities/services/"+svc, 204, nil)
	c.do("DELETE", "/v2/application-auth-strategies/"+strategy, 204, nil)
	c.do("DELETE", "/v3/portals/"+portal, 204, nil)

	rec.Report(t)
}

// managedPluginID returns the id of the konnect-application-auth plugin in a plugin list.
func managedPluginID(t *testing.T, list map[string]any) string {
	t.Helper()
	data, _ := list["data"].([]any)
	for _, p := range data {
		if m, _ := p.(map[string]any); m["name"] == "konnect-application-auth" {
			if id, _ := m["id"].(string); id != "" {
				return id
			}
		}
	}
	t.Fatalf("no konnect-application-auth plugin in %v", list)
	return ""
}
