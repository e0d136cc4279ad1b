package conformance

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// allowance adds one status that a document leaves out of an operation although, for the
// requests it applies to, none of the documented statuses can be answered truthfully. The
// response is still validated, against a response component of the same document.
type allowance struct {
	file        string
	operationID string // "": every operation of the file that does not document status
	status      int
	response    string                       // name under components.responses
	applies     func(req *http.Request) bool // nil: every request of the operation
}

// allowances is kept as short as the documents allow; each entry says why it is unavoidable.
var allowances = []allowance{
	// Authentication settings belong to a portal, but the document gives their GET only 200 and
	// 401 and their PATCH 200, 400, 401 and 403: a portal id that does not exist has no status
	// except 404, which every other portal sub-resource of the document uses.
	{"portal-management-v3.yaml", "get-portal-authentication-settings", http.StatusNotFound, "NotFound", nil},
	{"portal-management-v3.yaml", "update-portal-authentication-settings", http.StatusNotFound, "NotFound", nil},
	// The document states that a portal with published APIs is deleted only with force=true, yet
	// lists 204, 401, 403 and 404 alone: refusing needs a status, and 409 is the document's own
	// answer to a conflict elsewhere.
	{"portal-management-v3.yaml", "delete-portal", http.StatusConflict, "Conflict", nil},
	// force is documented as the enum "true"|"false", but delete-portal has no 400: another value
	// can neither be ignored (the caller may mean either) nor answered by a documented status.
	{"portal-management-v3.yaml", "delete-portal", http.StatusBadRequest, "BadRequest", invalidForce},
	// Konnect serves a portal's developer API on the portal's own domain, so an unknown portal
	// never reaches an operation and the document has no status for it. Mounted by id under
	// /portals/{portalId}/api/v3, an unknown id must answer something: 404, as elsewhere.
	{"dev-portal-v3.yaml", "", http.StatusNotFound, "NotFound", mountedByPortalID},
}

func mountedByPortalID(req *http.Request) bool {
	_, ok := devPortalPath(stripRegion(req.URL.Path))
	return ok
}

func invalidForce(req *http.Request) bool {
	q := req.URL.Query()
	if !q.Has("force") {
		return false
	}
	v := q.Get("force")
	return v != "true" && v != "false"
}

// allow returns the allowances of file by operation. It fails when a named operation's allowance
// no longer matches the document, so that one the document has made unnecessary gets noticed.
func allow(doc *openapi3.T, file string) (map[*openapi3.Operation][]allowance, error) {
	out := map[*openapi3.Operation][]allowance{}
	for _, a := range allowances {
		if a.file != file {
			continue
		}
		if doc.Components == nil || doc.Components.Responses[a.response] == nil {
			return nil, fmt.Errorf("%s: allowance for %q names unknown response %s", file, a.operationID, a.response)
		}
		found := false
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if a.operationID != "" && op.OperationID != a.operationID {
					continue
				}
				found = true
				if op.Responses.Status(a.status) != nil {
					if a.operationID == "" {
						continue
					}
					return nil, fmt.Errorf("%s: %s now documents %d: remove its allowance", file, a.operationID, a.status)
				}
				out[op] = append(out[op], a)
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: allowance for unknown operation %s", file, a.operationID)
		}
	}
	return out, nil
}

// withAllowances returns op with the allowances that apply to req added to its responses, or op
// itself when there are none. The loaded document is never changed.
func withAllowances(doc *openapi3.T, op *openapi3.Operation, as []allowance, req *http.Request) *openapi3.Operation {
	var extra []allowance
	for _, a := range as {
		if a.applies == nil || a.applies(req) {
			extra = append(extra, a)
		}
	}
	if len(extra) == 0 {
		return op
	}
	responses := openapi3.NewResponses()
	for code, ref := range op.Responses.Map() {
		responses.Set(code, ref)
	}
	for _, a := range extra {
		responses.Set(strconv.Itoa(a.status), &openapi3.ResponseRef{
			Ref:   "#/components/responses/" + a.response,
			Value: doc.Components.Responses[a.response].Value,
		})
	}
	c := *op
	c.Responses = responses
	return &c
}
