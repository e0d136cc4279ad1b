package conformance

import (
	"testing"
)

// TestNodesConform drives the node endpoints a gateway node uses: its report (an extension), the
// node list and get that show it, and the expected configuration hash, with their errors; it
// fails listing every response that the documents reject.
func TestNodesConform(t *testing.T) {
	c, rec := startCheckedBackend(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	const node = "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"

	cp := c.id(c.do("POST", "/v2/control-planes", 201, obj{"name": "conformance-nodes"}))
	cpPath := "/v2/control-planes/" + cp
	c.do("GET", cpPath+"/expected-config-hash", 200, nil)
	c.do("GET", "/v2/control-planes/"+missing+"/expected-config-hash", 404, nil)
	c.doRaw("GET", cpPath+"/expected-config-hash", 401, nil, "")

	c.do("GET", cpPath+"/node-config", 200, nil)
	c.do("PUT", cpPath+"/nodes/"+node, 201, obj{"hostname": "edge-1", "version": "3.10.0", "config_hash": ""})
	c.do("PUT", cpPath+"/nodes/"+node, 200, obj{"hostname": "edge-1", "version": "3.10.1",
		"config_hash": "0000000000000000000000000000000000000000000000000000000000000000"})
	c.do("GET", cpPath+"/nodes", 200, nil)
	c.do("GET", cpPath+"/nodes/"+node, 200, nil)
	c.do("GET", cpPath+"/nodes/"+missing, 404, nil)
	c.do("DELETE", cpPath+"/nodes/"+node, 204, nil)

	if rec.Checked() < 7 {
		t.Errorf("%d responses checked against the documents, want the 7 they describe", rec.Checked())
	}
	rec.Report(t)
}
