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
	// Admins correct a developer's name and address in place; the document's update takes only
	// the status, which would force replacing the developer and deleting their applications.
	{"portal-management-v3.yaml", "update-developer", "full_name", nil},
	{"portal-management-v3.yaml", "update-developer", "email", nil},
	// Admins may record a registration as rejected or revoked from the start (an import of an
	// existing decision); the document's creation enum has approved and pending only.
	{"portal-management-v3.yaml", "create-application-registration", "status", []string{"rejected", "revoked"}},
}

// requestNull lists documented top-level properties of an operation's JSON request body that
// the backend also accepts as null, although the document does not make them nullable. Before an
// accepted request is checked, such a property is taken out of the body when its value is null.
type requestNull struct {
	file        string
	operationID string
	properties  []string
}

// requestNulls is kept as short as the product allows; each entry says why it exists.
var requestNulls = []requestNull{
	// Kong's own Terraform provider sends null for every setting its configuration leaves unset,
	// and Konnect reads that null as "leave it as it is"; refusing it would refuse Kong's provider.
	{"portal-management-v3.yaml", "update-portal-authentication-settings", []string{
		"basic_auth_enabled", "oidc_auth_enabled", "saml_auth_enabled", "oidc_team_mapping_enabled",
		"konnect_mapping_enabled", "idp_mapping_enabled", "oidc_issuer", "oidc_client_id",
		"oidc_client_secret", "oidc_scopes", "oidc_claim_mappings",
	}},
}

// acceptNulls returns the properties among list that belong to file and may be null, by
// operation. It fails when an entry no longer matches the document: an unknown operation or
// property, or one the document has made nullable itself.
func acceptNulls(doc *openapi3.T, file string, list []requestNull) (map[*openapi3.Operation][]string, error) {
	ops := operationsByID(doc)
	out := map[*openapi3.Operation][]string{}
	for _, n := range list {
		if n.file != file {
			continue
		}
		op := ops[n.operationID]
		if op == nil {
			return nil, fmt.Errorf("%s: null acceptance for unknown operation %s", file, n.operationID)
		}
		schema := jsonRequestSchema(op)
		if schema == nil {
			return nil, fmt.Errorf("%s: %s has no JSON request body to accept nulls in", file, n.operationID)
		}
		for _, name := range n.properties {
			prop := schema.Properties[name]
			switch {
			case prop == nil || prop.Value == nil:
				return nil, fmt.Errorf("%s: %s has no property %q to accept null for", file, n.operationID, name)
			case prop.Value.Nullable || prop.Value.Type.Includes(openapi3.TypeNull):
				return nil, fmt.Errorf("%s: %s now documents null for %q: remove it from the null acceptances", file, n.operationID, name)
			}
		}
		out[op] = append(out[op], n.properties...)
	}
	return out, nil
}

// withoutNulls returns body without those of names whose value is null. A body that is not a
// JSON object, or has none of them null, is returned as it is.
func withoutNulls(body []byte, names []string) []byte {
	if len(names) == 0 {
		return body
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return body
	}
	changed := false
	for _, name := range names {
		if raw, ok := obj[name]; ok && bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			delete(obj, name)
			changed = true
		}
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

// extend returns the request extensions among list that belong to file, by operation. It fails
// when one no longer matches the document, so that one the document has made unnecessary gets
// noticed.
func extend(doc *openapi3.T, file string, list []requestExtension) (map[*openapi3.Operation][]requestExtension, error) {
	ops := operationsByID(doc)
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
