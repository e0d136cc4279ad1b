package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// requestExtension is a top-level property of an operation's JSON request body that the backend
// accepts beyond the document, as its guide describes: the whole property when values is nil,
// else only these values beyond the document's enum. Before an accepted request is checked, such
// a property is taken out of the body; everything else in the body is checked as usual.
type requestExtension struct {
	file        string
	operationID string
	property    string
	values      []string
}

// requestExtensions is kept as short as the product allows; each entry says why it exists.
var requestExtensions = []requestExtension{
	// Admins rename an application and change its labels in place; the document's update takes
	// only the owner, which would force replacing applications that developers hold keys for.
	{"portal-management-v3.yaml", "update-application", "name", nil},
	{"portal-management-v3.yaml", "update-application", "labels", nil},
	// Admins may record a registration as rejected or revoked from the start (an import of an
	// existing decision); the document's creation enum has approved and pending only.
	{"portal-management-v3.yaml", "create-application-registration", "status", []string{"rejected", "revoked"}},
}

// extend returns the request extensions among list that belong to file, by operation. It fails
// when one no longer matches the document, so that one the document has made unnecessary gets
// noticed.
func extend(doc *openapi3.T, file string, list []requestExtension) (map[*openapi3.Operation][]requestExtension, error) {
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}
	out := map[*openapi3.Operation][]requestExtension{}
	for _, e := range list {
		if e.file != file {
			continue
		}
		op := ops[e.operationID]
		if op == nil {
			return nil, fmt.Errorf("%s: request extension for unknown operation %s", file, e.operationID)
		}
		schema := jsonRequestSchema(op)
		if schema == nil {
			return nil, fmt.Errorf("%s: %s has no JSON request body to extend", file, e.operationID)
		}
		prop := schema.Properties[e.property]
		switch {
		case e.values == nil && prop != nil:
			return nil, fmt.Errorf("%s: %s now documents %q: remove its request extension", file, e.operationID, e.property)
		case e.values != nil && (prop == nil || prop.Value == nil):
			return nil, fmt.Errorf("%s: %s has no property %q whose values to extend", file, e.operationID, e.property)
		case e.values != nil:
			for _, v := range e.values {
				if slices.Contains(prop.Value.Enum, any(v)) {
					return nil, fmt.Errorf("%s: %s now documents %q for %q: remove it from the request extension", file, e.operationID, v, e.property)
				}
			}
		}
		out[op] = append(out[op], e)
	}
	return out, nil
}

func jsonRequestSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// withoutExtensions returns body without the properties that exts accept beyond the document.
// A body that is not a JSON object, or holds none of them, is returned as it is.
func withoutExtensions(body []byte, exts []requestExtension) []byte {
	if len(exts) == 0 {
		return body
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return body
	}
	changed := false
	for _, e := range exts {
		raw, ok := obj[e.property]
		if !ok {
			continue
		}
		if e.values != nil {
			var s string
			if json.Unmarshal(raw, &s) != nil || !slices.Contains(e.values, s) {
				continue
			}
		}
		delete(obj, e.property)
		changed = true
	}
	if !changed {
		return body
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(obj); err != nil {
		return body
	}
	return b.Bytes()
}

// responseExtension is an optional string property that the backend adds, as its guide
// describes, to an object schema of the documents' components that only responses use. The
// loaded copy of the document gets the property, so responses carrying it still conform while
// every other property of the schema is checked as published.
type responseExtension struct {
	file     string
	schema   string // the name under components.schemas
	property string
}

// responseExtensions is kept as short as the product allows; each entry says why it exists.
var responseExtensions = []responseExtension{
	// A registration whose application's auth strategy the API's publication no longer accepts
	// grants no access whatever its status; suspended_reason says so on the registration, in the
	// admin and the developer API, without changing the status an administrator gave it.
	{"portal-management-v3.yaml", "ApplicationRegistration", "suspended_reason"},
	{"dev-portal-v3.yaml", "GetApiRegistrationResponse", "suspended_reason"},
}

// extendResponses adds the entries of list that belong to file to doc, which must be a loaded
// copy. It fails when an entry no longer matches the document, so that one the document has made
// unnecessary gets noticed, and when a request body uses the schema, which must stay as published.
func extendResponses(doc *openapi3.T, file string, list []responseExtension) error {
	for _, e := range list {
		if e.file != file {
			continue
		}
		var ref *openapi3.SchemaRef
		if doc.Components != nil {
			ref = doc.Components.Schemas[e.schema]
		}
		if ref == nil || ref.Value == nil || !ref.Value.Type.Is("object") {
			return fmt.Errorf("%s: response extension for unknown object schema %s", file, e.schema)
		}
		if ref.Value.Properties[e.property] != nil {
			return fmt.Errorf("%s: %s now documents %q: remove its response extension", file, e.schema, e.property)
		}
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				if s := jsonRequestSchema(op); s == ref.Value {
					return fmt.Errorf("%s: %s takes %s as its request body: a response extension would accept %q there too",
						file, op.OperationID, e.schema, e.property)
				}
			}
		}
		props := maps.Clone(ref.Value.Properties)
		if props == nil {
			props = openapi3.Schemas{}
		}
		props[e.property] = openapi3.NewStringSchema().NewRef()
		ref.Value.Properties = props
	}
	return nil
}
