package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// TestIdempotencyConforms checks the answers of the Idempotency-Key extension in every admin
// document: the first answer, its replay, the 409 for a key used with another request and the
// 400 for an invalid key, on creates, updates and deletes.
func TestIdempotencyConforms(t *testing.T) {
	c, rec := startCheckedBackend(t)
	keyed := func(key string) *client {
		k := *c
		k.header = http.Header{"Idempotency-Key": {key}}
		return &k
	}
	tooLong := keyed(strings.Repeat("k", 256))

	strategy := obj{"name": "keys", "display_name": "Keys", "strategy_type": "key_auth",
		"configs": obj{"key-auth": obj{"key_names": []string{"apikey"}}}}
	for _, create := range []struct {
		path string
		body obj
	}{
		{"/v3/portals", obj{"name": "idempotent"}},
		{"/v2/application-auth-strategies", strategy},
		{"/v3/apis", obj{"name": "Orders", "version": "v1"}},
		{"/v2/control-planes", obj{"name": "edge"}},
	} {
		k := keyed("create " + create.path)
		id := c.id(k.do("POST", create.path, 201, create.body))
		if again := k.do("POST", create.path, 201, create.body); again["id"] != id {
			t.Errorf("POST %s replayed id %v, want %s", create.path, again["id"], id)
		}
		k.do("POST", create.path, 409, obj{"name": "another request"})
		tooLong.do("POST", create.path, 400, create.body)
		tooLong.do("DELETE", create.path+"/"+id, 400, nil)

		d := keyed("delete " + create.path)
		d.do("DELETE", create.path+"/"+id, 204, nil)
		d.do("DELETE", create.path+"/"+id, 204, nil)
		d.do("PATCH", create.path+"/"+id, 409, obj{"name": "renamed"})
	}

	cp := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "gateways"}))
	services := "/v2/control-planes/" + cp + "/core-entities/services"
	k := keyed("create service")
	k.do("POST", services, 201, obj{"name": "orders", "host": "orders.internal"})
	k.do("POST", services, 201, obj{"name": "orders", "host": "orders.internal"})
	k.do("POST", services, 409, obj{"name": "billing", "host": "billing.internal"})
	tooLong.do("POST", services, 400, obj{"name": "billing", "host": "billing.internal"})

	rec.Report(t)
	if rec.Checked() == 0 {
		t.Error("no exchange was checked against the documents")
	}
}
