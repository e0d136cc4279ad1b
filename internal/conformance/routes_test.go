package conformance

import (
	"testing"
)

// TestRoutesConform drives gateway routes through both the control-plane and the service paths:
// create, list, get, upsert, the errors the document defines, and delete; it fails listing every
// response that the documents reject.
func TestRoutesConform(t *testing.T) {
	c, rec := startCheckedBackend(t)
	const missing = "00000000-0000-4000-8000-000000000000"

	cp := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "conformance-routes"}))
	cpPath := "/v2/control-planes/" + cp
	svc := c.id(c.do("POST", cpPath+"/core-entities/services", 201, obj{"name": "orders", "host": "orders.internal"}))

	rt := c.id(c.do("POST", cpPath+"/core-entities/routes", 201, obj{
		"name": "orders-route", "paths": []string{"/orders"}, "methods": []string{"GET", "POST"},
		"protocols": []string{"http", "https"}, "service": obj{"id": svc},
	}))
	c.do("GET", cpPath+"/core-entities/routes", 200, nil)
	c.do("GET", cpPath+"/core-entities/routes?tags=none", 200, nil)
	c.do("GET", cpPath+"/core-entities/routes/"+rt, 200, nil)
	c.do("GET", cpPath+"/core-entities/routes/orders-route", 200, nil)
	c.do("PUT", cpPath+"/core-entities/routes/"+rt, 200, obj{
		"name": "orders-route", "hosts": []string{"api.example.com"}, "strip_path": false, "service": obj{"id": svc},
	})
	c.do("PUT", cpPath+"/core-entities/routes/"+missing, 200, obj{"paths": []string{"/upserted"}})
	c.do("GET", cpPath+"/core-entities/routes/"+missing, 200, nil)
	c.do("DELETE", cpPath+"/core-entities/routes/"+missing, 204, nil)
	c.do("GET", cpPath+"/core-entities/routes/"+missing, 404, nil)
	c.do("POST", cpPath+"/core-entities/routes", 400, obj{"paths": []string{"orders"}})
	c.do("POST", cpPath+"/core-entities/routes", 400, obj{"paths": []string{"/x"}, "service": obj{"id": missing}})
	c.do("POST", cpPath+"/core-entities/routes", 409, obj{"name": "orders-route", "paths": []string{"/other"}})
	c.doRaw("GET", cpPath+"/core-entities/routes", 401, nil, "")

	svcPath := cpPath + "/core-entities/services/" + svc
	child := c.id(c.do("POST", svcPath+"/routes", 201, obj{"name": "orders-child", "paths": []string{"/child"}}))
	c.do("GET", svcPath+"/routes", 200, nil)
	c.do("GET", svcPath+"/routes/"+child, 200, nil)
	c.do("POST", cpPath+"/core-entities/services/"+missing+"/routes", 404, obj{"paths": []string{"/x"}})
	c.do("DELETE", svcPath, 409, nil)

	c.do("DELETE", svcPath+"/routes/"+child, 204, nil)
	c.do("DELETE", cpPath+"/core-entities/routes/"+rt, 204, nil)
	c.do("DELETE", svcPath, 204, nil)

	rec.Report(t)
}
