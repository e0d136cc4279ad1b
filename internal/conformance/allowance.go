package conformance

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// allowance adds one status that a document leaves out of an operation although, for the
// requests it applies to, none of the documented statuses can be answered truthfully. The
// response is still validated: against the union of response components of the same document.
type allowance struct {
	file        string
	operationID string // "": every operation of the file that does not document status
	status      int
	responses   []string                     // names under components.responses
	applies     func(req *http.Request) bool // nil: every request of the operation
}

// allowances is kept as short as the documents allow; each entry says why it is unavoidable.
var allowances = []allowance{
	// Authentication settings belong to a portal, but the document gives their GET only 200 and
	// 401 and their PATCH 200, 400, 401 and 403: a portal id that does not exist has no status
	// except 404, which every other portal sub-resource of the document uses.
	{"portal-management-v3.yaml", "get-portal-authentication-settings", http.StatusNotFound, []string{"NotFound"}, nil},
	{"portal-management-v3.yaml", "update-portal-authentication-settings", http.StatusNotFound, []string{"NotFound"}, nil},
	// The document states that a portal with published APIs is deleted only with force=true (this
	// server applies the same rule to a portal's developers and applications), yet lists 204, 401,
	// 403 and 404 alone: refusing needs a status, and 409 is the document's own answer to a
	// conflict elsewhere.
	{"portal-management-v3.yaml", "delete-portal", http.StatusConflict, []string{"Conflict"}, nil},
	// Portal names are documented as unique, and update-portal answers a taken name with 409, but
	// create-portal lists no conflict status: the same refusal gets the same answer on both.
	{"portal-management-v3.yaml", "create-portal", http.StatusConflict, []string{"Conflict"}, nil},
	// A request body that is not JSON cannot be checked against any request schema, and the portal
	// and auth strategy documents, unlike the API catalog one, have no 415. The answer is the
	// documents' standard problem body (BaseError, which their Conflict response carries as is).
	{"portal-management-v3.yaml", "", http.StatusUnsupportedMediaType, []string{"Conflict"}, nil},
	{"application-auth-strategies-v2.yaml", "", http.StatusUnsupportedMediaType, []string{"Conflict"}, nil},
	// replace-app-auth-strategy replaces a strategy and lists no 404, but does not say that PUT
	// creates one: an unknown id is answered as getting, updating or deleting it is.
	{"application-auth-strategies-v2.yaml", "replace-app-auth-strategy", http.StatusNotFound, []string{"NotFound"}, nil},
	// force is documented as the enum "true"|"false", but delete-portal has no 400: another value
	// can neither be ignored (the caller may mean either) nor answered by a documented status.
	{"portal-management-v3.yaml", "delete-portal", http.StatusBadRequest, []string{"BadRequest"}, invalidForce},

	// Konnect serves a portal's developer API on the portal's own domain, so an unknown portal
	// never reaches an operation and the document has no status for it. Mounted by id under
	// /portals/{portalId}/api/v3, an unknown id must answer something: 404, as elsewhere.
	{"dev-portal-v3.yaml", "", http.StatusNotFound, []string{"NotFound"}, mountedByPortalID},

	// The control plane document lists almost no client errors: creating a service documents 201
	// and 401 only, creating a plugin on a service 201 alone, listing nodes 200 alone. Invalid
	// input, an unknown control plane or entity, a refused change and a missing token must still
	// be answered, so each operation may use these statuses with the error bodies the same
	// document defines for them elsewhere.
	{"control-planes-config-v2.yaml", "", http.StatusBadRequest, []string{"BadRequest", "KonnectCPLegacyBadRequest"}, nil},
	{"control-planes-config-v2.yaml", "", http.StatusUnauthorized, []string{"HTTP401Error", "Unauthorized", "KonnectCPLegacyUnauthorized"}, nil},
	{"control-planes-config-v2.yaml", "", http.StatusForbidden, []string{"Forbidden", "KonnectCPLegacyForbidden"}, nil},
	{"control-planes-config-v2.yaml", "", http.StatusNotFound, []string{"KonnectCPLegacyNotFound"}, nil},
	{"control-planes-config-v2.yaml", "", http.StatusConflict, []string{"KonnectCPLegacyConflict"}, nil},

	// Name and version together, and the slug, are unique per region; update-api answers a
	// conflicting change with 409 but create-api lists no conflict status for the same refusal.
	{"api-builder-v3.yaml", "create-api", http.StatusConflict, []string{"Conflict"}, nil},

	// A page's path (its slug joined to its parents') is unique in a portal, and a snippet's name
	// too, since the developer API finds them by path and by name; the document lists no
	// conflict status for creating or changing either, and 409 is its answer to a conflict
	// elsewhere (moving a page).
	{"portal-management-v3.yaml", "create-portal-page", http.StatusConflict, []string{"Conflict"}, nil},
	{"portal-management-v3.yaml", "update-portal-page", http.StatusConflict, []string{"Conflict"}, nil},
	{"portal-management-v3.yaml", "create-portal-snippet", http.StatusConflict, []string{"Conflict"}, nil},
	{"portal-management-v3.yaml", "update-portal-snippet", http.StatusConflict, []string{"Conflict"}, nil},

	// A client_id is unique in its region and one developer owns at most 100 applications; the
	// developer API answers both refusals with its documented 409, but the admin API's
	// create-application and update-application (a change of owner) list no conflict status.
	{"portal-management-v3.yaml", "create-application", http.StatusConflict, []string{"Conflict"}, nil},
	{"portal-management-v3.yaml", "update-application", http.StatusConflict, []string{"Conflict"}, nil},

	// Listing an application's credentials needs a developer session like every other
	// application operation, yet list-credentials alone has no 401 for a request without one.
	{"dev-portal-v3.yaml", "list-credentials", http.StatusUnauthorized, []string{"Unauthorized"}, nil},
	// API keys exist only for key_auth applications; create-credential has no status to refuse
	// an application whose strategy issues no keys, and 409 is the document's conflict answer.
	{"dev-portal-v3.yaml", "create-credential", http.StatusConflict, []string{"Conflict"}, nil},
	// Repeated failed logins lock an account for a while; authenticate lists no status for that,
	// and the document defines TooManyRequests for exactly this kind of refusal.
	{"dev-portal-v3.yaml", "authenticate", http.StatusTooManyRequests, []string{"TooManyRequests"}, nil},

	// The backend's update-developer also takes the address (see requestExtensions), which is
	// unique within a portal: taking another developer's has no documented status, and
	// create-developer answers the same clash with 409.
	{"portal-management-v3.yaml", "update-developer", http.StatusConflict, []string{"Conflict"}, nil},

	// A request with an Idempotency-Key (an extension, see the bundled-backend guide) whose key
	// was already used for a different request is refused with 409, and one whose key is not a
	// valid value with 400, whatever the operation: the documents know no such header, so they
	// list neither status for operations that have no other reason to answer it.
	{"portal-management-v3.yaml", "", http.StatusConflict, []string{"Conflict"}, carriesIdempotencyKey},
	{"application-auth-strategies-v2.yaml", "", http.StatusConflict, []string{"Conflict"}, carriesIdempotencyKey},
	{"api-builder-v3.yaml", "", http.StatusConflict, []string{"Conflict"}, carriesIdempotencyKey},
	{"dev-portal-v3.yaml", "", http.StatusConflict, []string{"Conflict"}, carriesIdempotencyKey},
	{"portal-management-v3.yaml", "", http.StatusBadRequest, []string{"BadRequest"}, carriesIdempotencyKey},
	{"application-auth-strategies-v2.yaml", "", http.StatusBadRequest, []string{"BadRequest"}, carriesIdempotencyKey},
	{"dev-portal-v3.yaml", "", http.StatusBadRequest, []string{"BadRequest"}, carriesIdempotencyKey},
	// The API catalog document writes its 400 answers inline; this component is the same body.
	{"api-builder-v3.yaml", "", http.StatusBadRequest, []string{"ApiPublicationBadRequest"}, carriesIdempotencyKey},
	// Sign-up and forgot-password send mail and are rate-limited per address and client, and
	// setting a password waits for the bounded password hashing pool like a login; their
	// operations list no status for a refusal to be retried later, and the document defines
	// TooManyRequests for exactly that.
	{"dev-portal-v3.yaml", "register", http.StatusTooManyRequests, []string{"TooManyRequests"}, nil},
	{"dev-portal-v3.yaml", "forgot-password", http.StatusTooManyRequests, []string{"TooManyRequests"}, nil},
	{"dev-portal-v3.yaml", "reset-password", http.StatusTooManyRequests, []string{"TooManyRequests"}, nil},
	// A state-changing request that carries the session cookie from another site's page is
	// refused before any operation runs; most operations list no 403, and the document defines
	// Forbidden for a refusal of the caller.
	{"dev-portal-v3.yaml", "", http.StatusForbidden, []string{"Forbidden"}, crossSiteWithCookie},
}

func carriesIdempotencyKey(req *http.Request) bool {
	return req.Header.Get("Idempotency-Key") != ""
}

// crossSiteWithCookie reports whether req is a state-changing request with the developer session
// cookie that a browser sent from another site.
func crossSiteWithCookie(req *http.Request) bool {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return false
	}
	if _, err := req.Cookie("portalaccesstoken"); err != nil {
		return false
	}
	return req.Header.Get("Sec-Fetch-Site") == "cross-site" || req.Header.Get("Origin") != ""
}

func invalidForce(req *http.Request) bool {
	q := req.URL.Query()
	if !q.Has("force") {
		return false
	}
	v := q.Get("force")
	return v != "true" && v != "false"
}

func mountedByPortalID(req *http.Request) bool {
	_, ok := devPortalPath(stripRegion(req.URL.Path))
	return ok
}

// allow returns the allowances among list that belong to file, by operation. It fails when a
// named operation's allowance no longer matches the document, so that one the document has made
// unnecessary gets noticed.
func allow(doc *openapi3.T, file string, list []allowance) (map[*openapi3.Operation][]allowance, error) {
	out := map[*openapi3.Operation][]allowance{}
	for _, a := range list {
		if a.file != file {
			continue
		}
		for _, name := range a.responses {
			if doc.Components == nil || doc.Components.Responses[name] == nil || doc.Components.Responses[name].Value == nil {
				return nil, fmt.Errorf("%s: allowance for %q names unknown response %s", file, a.operationID, name)
			}
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
		responses.Set(strconv.Itoa(a.status), mergedResponse(doc, a.responses))
	}
	c := *op
	c.Responses = responses
	return &c
}

// mergedResponse is one response accepting the media types and schemas of all named components.
func mergedResponse(doc *openapi3.T, names []string) *openapi3.ResponseRef {
	refs := make([]string, len(names))
	merged := openapi3.NewResponse().WithDescription("allowed: " + strings.Join(names, ", "))
	merged.Content = openapi3.Content{}
	for i, name := range names {
		refs[i] = "#/components/responses/" + name
		r := doc.Components.Responses[name].Value
		for mt, v := range r.Content {
			if _, seen := merged.Content[mt]; !seen {
				merged.Content[mt] = v
			}
		}
		if merged.Headers == nil && len(r.Headers) > 0 {
			merged.Headers = maps.Clone(r.Headers)
		}
	}
	return &openapi3.ResponseRef{Ref: strings.Join(refs, " or "), Value: merged}
}

// writeOnlyReturned is a property that a document marks writeOnly although the listed operations
// return it. In their responses only, that property is validated as an ordinary one; every other
// writeOnly property, and the property itself elsewhere, is still enforced.
type writeOnlyReturned struct {
	file       string
	operations []string
	property   string
}

// writeOnlyReturns is kept as short as the documents allow; each entry says why it is unavoidable.
var writeOnlyReturns = []writeOnlyReturned{
	// Applications take their labels from LabelsUpdate, which is writeOnly, yet the document
	// requires labels in every application it returns, its own examples included.
	{"portal-management-v3.yaml", []string{"create-application", "list-applications", "get-application", "update-application", "get-application-unscoped"}, "labels"},
}

// returnWriteOnly applies the entries of list that belong to file to doc, which must be a loaded
// copy: the affected operations get response schemas in which the property is readable. It fails
// when an entry no longer matches the document, so that one made unnecessary gets noticed.
func returnWriteOnly(doc *openapi3.T, file string, list []writeOnlyReturned) error {
	ops := operationsByID(doc)
	for _, w := range list {
		if w.file != file {
			continue
		}
		for _, id := range w.operations {
			op := ops[id]
			if op == nil {
				return fmt.Errorf("%s: writeOnly exception for unknown operation %s", file, id)
			}
			if !readableResponses(op, w.property) {
				return fmt.Errorf("%s: %s returns no writeOnly %q: remove its exception", file, id, w.property)
			}
		}
	}
	return nil
}

// readableResponses replaces the 2xx responses of op whose schemas reach a writeOnly property
// prop by copies in which it is not writeOnly, and reports whether there was any. Shared
// components are left as they are, so requests and other operations see the document as written.
func readableResponses(op *openapi3.Operation, prop string) bool {
	found := false
	memo := map[*openapi3.Schema]*openapi3.SchemaRef{}
	for code, ref := range op.Responses.Map() {
		if !strings.HasPrefix(code, "2") || ref.Value == nil {
			continue
		}
		var content openapi3.Content
		for mt, media := range ref.Value.Content {
			if media == nil || media.Schema == nil {
				continue
			}
			s := readable(media.Schema, prop, memo)
			if s == media.Schema {
				continue
			}
			if content == nil {
				content = maps.Clone(ref.Value.Content)
			}
			m := *media
			m.Schema = s
			content[mt] = &m
		}
		if content == nil {
			continue
		}
		found = true
		r := *ref.Value
		r.Content = content
		op.Responses.Set(code, &openapi3.ResponseRef{Ref: ref.Ref, Value: &r})
	}
	return found
}

// readable returns ref when no schema reachable from it has a writeOnly property prop, else a
// copy of the path down to each such property with writeOnly cleared.
func readable(ref *openapi3.SchemaRef, prop string, memo map[*openapi3.Schema]*openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref == nil || ref.Value == nil {
		return ref
	}
	if r, seen := memo[ref.Value]; seen {
		return r
	}
	memo[ref.Value] = ref // a schema that contains itself is left as it is below the first visit
	orig := ref.Value
	c := *orig
	changed := false
	for name, p := range orig.Properties {
		var r *openapi3.SchemaRef
		if name == prop && p.Value != nil && p.Value.WriteOnly {
			v := *p.Value
			v.WriteOnly = false
			r = &openapi3.SchemaRef{Value: &v}
		} else if r = readable(p, prop, memo); r == p {
			continue
		}
		if !changed {
			c.Properties = maps.Clone(orig.Properties)
			changed = true
		}
		c.Properties[name] = r
	}
	if r := readable(orig.Items, prop, memo); r != orig.Items {
		c.Items, changed = r, true
	}
	for _, list := range []*openapi3.SchemaRefs{&c.OneOf, &c.AnyOf, &c.AllOf} {
		var copied openapi3.SchemaRefs
		for i, s := range *list {
			if r := readable(s, prop, memo); r != s {
				if copied == nil {
					copied = slices.Clone(*list)
				}
				copied[i] = r
			}
		}
		if copied != nil {
			*list, changed = copied, true
		}
	}
	if !changed {
		return ref
	}
	out := &openapi3.SchemaRef{Value: &c}
	memo[orig] = out
	return out
}

// ignoredRequestError reports a request error that the document makes unavoidable, given the
// request's path parameters.
func ignoredRequestError(err error, params map[string]string) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil {
		return false
	}
	p := re.Parameter
	// apiIdOrSlug is oneOf ApiId (a uuid) and ApiSlug (^[\w-]+$), and every UUID matches both,
	// so the id the document offers as the first choice always fails oneOf.
	return p.In == openapi3.ParameterInPath && p.Name == "apiIdOrSlug" && validateUUID(params[p.Name]) == nil
}

// withoutIgnored drops the ignored errors of a request validation result.
func withoutIgnored(err error, params map[string]string) error {
	var me openapi3.MultiError
	if !errors.As(err, &me) {
		if ignoredRequestError(err, params) {
			return nil
		}
		return err
	}
	var kept openapi3.MultiError
	for _, e := range me {
		if !ignoredRequestError(e, params) {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// operationsByID returns the operations of doc by their operationId.
func operationsByID(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}
	return ops
}
