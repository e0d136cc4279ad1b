package conformance

import (
	"errors"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// docWith returns a document whose delete-portal operation documents the given statuses.
func docWith(statuses ...string) *openapi3.T {
	responses := openapi3.NewResponses()
	for _, s := range statuses {
		responses.Set(s, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(s)})
	}
	paths := openapi3.NewPaths()
	paths.Set("/portals/{portalId}", &openapi3.PathItem{Delete: &openapi3.Operation{OperationID: "delete-portal", Responses: responses}})
	return &openapi3.T{
		Paths: paths,
		Components: &openapi3.Components{Responses: openapi3.ResponseBodies{
			"Conflict":   {Value: openapi3.NewResponse().WithDescription("Conflict")},
			"BadRequest": {Value: openapi3.NewResponse().WithDescription("Bad Request")},
			"NotFound":   {Value: openapi3.NewResponse().WithDescription("Not Found")},
		}},
	}
}

func TestAllowRefusesStaleAllowances(t *testing.T) {
	const file = "portal-management-v3.yaml"
	list := []allowance{
		{file, "delete-portal", 409, []string{"Conflict"}, nil},
		{file, "get-portal", 404, []string{"NotFound"}, nil},
		{"other.yaml", "", 400, []string{"BadRequest"}, nil},
	}
	withGetPortal := func(doc *openapi3.T) *openapi3.T {
		doc.Paths.Set("/portals", &openapi3.PathItem{Get: &openapi3.Operation{OperationID: "get-portal", Responses: openapi3.NewResponses()}})
		return doc
	}

	if _, err := allow(docWith("204", "404"), file, list); err == nil || !strings.Contains(err.Error(), "get-portal") {
		t.Errorf("missing operation: got %v, want an error naming it", err)
	}
	if _, err := allow(withGetPortal(docWith("204", "404", "409")), file, list); err == nil || !strings.Contains(err.Error(), "now documents 409") {
		t.Errorf("documented status: got %v, want an error asking to remove the allowance", err)
	}
	unknown := []allowance{{file, "delete-portal", 409, []string{"Gone"}, nil}}
	if _, err := allow(docWith("204"), file, unknown); err == nil || !strings.Contains(err.Error(), "Gone") {
		t.Errorf("unknown response component: got %v, want an error naming it", err)
	}

	doc := withGetPortal(docWith("204", "404"))
	got, err := allow(doc, file, list)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got); n != 2 {
		t.Errorf("allowances for %d operations, want 2", n)
	}
	if got, err := allow(doc, "api-builder-v3.yaml", list); err != nil || len(got) != 0 {
		t.Errorf("document without allowances: got %v, %v; want none", got, err)
	}

	// An allowance for every operation skips those that document the status already.
	got, err = allow(doc, "other.yaml", []allowance{{"other.yaml", "", 404, []string{"NotFound"}, nil}})
	if err != nil {
		t.Fatal(err)
	}
	for op, as := range got {
		if op.OperationID == "delete-portal" || len(as) != 1 || as[0].status != 404 {
			t.Errorf("allowance %v for %s", as, op.OperationID)
		}
	}
	if len(got) != 1 {
		t.Errorf("allowances for %d operations, want the 1 without a 404", len(got))
	}
}

// labelsDoc returns a document whose get-app response and put-app request share an object schema
// with a writeOnly labels property and a writeOnly secret.
func labelsDoc() *openapi3.T {
	writeOnly := func() *openapi3.SchemaRef {
		return &openapi3.SchemaRef{Ref: "#/components/schemas/LabelsUpdate", Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, WriteOnly: true}}
	}
	labels := writeOnly()
	app := &openapi3.SchemaRef{Ref: "#/components/schemas/App", Value: &openapi3.Schema{
		Type:       &openapi3.Types{"object"},
		Properties: openapi3.Schemas{"labels": labels, "secret": writeOnly()},
	}}
	oneOf := &openapi3.SchemaRef{Value: &openapi3.Schema{OneOf: openapi3.SchemaRefs{app}}}
	get := openapi3.NewResponses()
	get.Set("200", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithJSONSchemaRef(oneOf)})
	put := openapi3.NewResponses()
	put.Set("200", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("no body")})
	paths := openapi3.NewPaths()
	paths.Set("/apps/{id}", &openapi3.PathItem{
		Get: &openapi3.Operation{OperationID: "get-app", Responses: get},
		Put: &openapi3.Operation{OperationID: "put-app", Responses: put, RequestBody: &openapi3.RequestBodyRef{
			Value: openapi3.NewRequestBody().WithJSONSchemaRef(app)}},
	})
	return &openapi3.T{Paths: paths, Components: &openapi3.Components{Schemas: openapi3.Schemas{"App": app, "LabelsUpdate": labels}}}
}

func TestReturnWriteOnly(t *testing.T) {
	const file = "portal-management-v3.yaml"
	doc := labelsDoc()
	if err := returnWriteOnly(doc, file, []writeOnlyReturned{{file, []string{"get-app"}, "labels"}, {"other.yaml", []string{"nope"}, "x"}}); err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value("/apps/{id}")
	app := item.Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value.OneOf[0].Value
	if app.Properties["labels"].Value.WriteOnly {
		t.Error("labels still writeOnly in the get-app response")
	}
	if !app.Properties["secret"].Value.WriteOnly {
		t.Error("secret lost writeOnly in the get-app response: only labels may")
	}
	if !doc.Components.Schemas["LabelsUpdate"].Value.WriteOnly || !doc.Components.Schemas["App"].Value.Properties["labels"].Value.WriteOnly {
		t.Error("the shared components changed")
	}
	if !item.Put.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["labels"].Value.WriteOnly {
		t.Error("labels lost writeOnly in the put-app request")
	}

	if err := returnWriteOnly(labelsDoc(), file, []writeOnlyReturned{{file, []string{"get-app", "gone"}, "labels"}}); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("unknown operation: got %v, want an error naming it", err)
	}
	if err := returnWriteOnly(labelsDoc(), file, []writeOnlyReturned{{file, []string{"put-app"}, "labels"}}); err == nil || !strings.Contains(err.Error(), "remove") {
		t.Errorf("operation returning no such property: got %v, want an error asking to remove the exception", err)
	}
	if err := returnWriteOnly(labelsDoc(), file, []writeOnlyReturned{{file, []string{"get-app"}, "owner"}}); err == nil {
		t.Error("property that is not returned: got no error")
	}
}

func TestWithoutIgnored(t *testing.T) {
	param := func(name string) error {
		return &openapi3filter.RequestError{
			Parameter: &openapi3.Parameter{Name: name, In: openapi3.ParameterInPath},
			Err:       errors.New("input matches more than one oneOf schemas"),
		}
	}
	uuidParams := map[string]string{"apiIdOrSlug": portalID, "portalId": "x"}
	slugParams := map[string]string{"apiIdOrSlug": "bad slug!"}
	body := &openapi3filter.RequestError{RequestBody: &openapi3.RequestBody{}, Err: errors.New("property name is missing")}

	if err := withoutIgnored(param("apiIdOrSlug"), uuidParams); err != nil {
		t.Errorf("uuid apiIdOrSlug: got %v, want ignored", err)
	}
	if err := withoutIgnored(param("apiIdOrSlug"), slugParams); err == nil {
		t.Error("invalid slug: ignored, want reported")
	}
	if err := withoutIgnored(param("portalId"), uuidParams); err == nil {
		t.Error("other parameter: ignored, want reported")
	}
	err := withoutIgnored(openapi3.MultiError{param("apiIdOrSlug"), body}, uuidParams)
	var me openapi3.MultiError
	if !errors.As(err, &me) || len(me) != 1 || !errors.Is(me[0], body) {
		t.Errorf("mixed errors: got %v, want only the body error", err)
	}
	if err := withoutIgnored(openapi3.MultiError{param("apiIdOrSlug")}, uuidParams); err != nil {
		t.Errorf("only ignored errors: got %v, want nil", err)
	}
	if err := withoutIgnored(nil, uuidParams); err != nil {
		t.Errorf("no error: got %v", err)
	}
}

func TestExtend(t *testing.T) {
	const file = "portal-management-v3.yaml"
	doc := func() *openapi3.T {
		body := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
			"status": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"approved", "pending"}}},
		}}}
		paths := openapi3.NewPaths()
		paths.Set("/regs", &openapi3.PathItem{
			Post: &openapi3.Operation{OperationID: "create-reg", Responses: openapi3.NewResponses(),
				RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchemaRef(body)}},
			Get: &openapi3.Operation{OperationID: "list-regs", Responses: openapi3.NewResponses()},
		})
		return &openapi3.T{Paths: paths}
	}
	tests := []struct {
		name    string
		ext     requestExtension
		wantErr string
	}{
		{"new property", requestExtension{file, "create-reg", "name", nil}, ""},
		{"more enum values", requestExtension{file, "create-reg", "status", []string{"revoked"}}, ""},
		{"other document", requestExtension{"other.yaml", "gone", "x", nil}, ""},
		{"unknown operation", requestExtension{file, "gone", "x", nil}, "unknown operation gone"},
		{"no request body", requestExtension{file, "list-regs", "x", nil}, "no JSON request body"},
		{"property documented", requestExtension{file, "create-reg", "status", nil}, "now documents"},
		{"value documented", requestExtension{file, "create-reg", "status", []string{"pending"}}, "now documents"},
		{"no such enum", requestExtension{file, "create-reg", "kind", []string{"x"}}, "no property"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extend(doc(), file, []requestExtension{tt.ext})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if want := tt.ext.file == file; (len(got) == 1) != want {
					t.Errorf("extensions %v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWithoutExtensions(t *testing.T) {
	exts := []requestExtension{{"f", "op", "name", nil}, {"f", "op", "status", []string{"revoked"}}}
	tests := []struct{ in, want string }{
		{`{"name":"a","owner":{"id":"x"}}`, `{"owner":{"id":"x"}}`},
		{`{"status":"revoked","api_id":"x"}`, `{"api_id":"x"}`},
		{`{"status":"bogus","api_id":"x"}`, `{"status":"bogus","api_id":"x"}`},
		{`{"status":7}`, `{"status":7}`},
		{`{"api_id":"x"}`, `{"api_id":"x"}`},
		{`[1,2]`, `[1,2]`},
		{`not json`, `not json`},
		{``, ``},
	}
	for _, tt := range tests {
		got := string(withoutExtensions([]byte(tt.in), exts))
		if strings.TrimSpace(got) != tt.want {
			t.Errorf("withoutExtensions(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := string(withoutExtensions([]byte(`{"name":"a"}`), nil)); got != `{"name":"a"}` {
		t.Errorf("no extensions: %s", got)
	}
}

func TestAcceptNulls(t *testing.T) {
	const file = "portal-management-v3.yaml"
	doc := func() *openapi3.T {
		body := &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
			"issuer":      {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
			"description": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Nullable: true}},
			"scopes":      {Value: &openapi3.Schema{Type: &openapi3.Types{"array", "null"}}},
		}}}
		paths := openapi3.NewPaths()
		paths.Set("/settings", &openapi3.PathItem{
			Patch: &openapi3.Operation{OperationID: "update-settings", Responses: openapi3.NewResponses(),
				RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchemaRef(body)}},
			Get: &openapi3.Operation{OperationID: "get-settings", Responses: openapi3.NewResponses()},
		})
		return &openapi3.T{Paths: paths}
	}
	tests := []struct {
		name    string
		null    requestNull
		wantErr string
	}{
		{"documented property", requestNull{file, "update-settings", []string{"issuer"}}, ""},
		{"other document", requestNull{"other.yaml", "gone", []string{"x"}}, ""},
		{"unknown operation", requestNull{file, "gone", []string{"issuer"}}, "unknown operation gone"},
		{"no request body", requestNull{file, "get-settings", []string{"issuer"}}, "no JSON request body"},
		{"unknown property", requestNull{file, "update-settings", []string{"issuer", "colour"}}, `no property "colour"`},
		{"nullable in 3.0", requestNull{file, "update-settings", []string{"description"}}, "now documents null"},
		{"null type in 3.1", requestNull{file, "update-settings", []string{"scopes"}}, "now documents null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := acceptNulls(doc(), file, []requestNull{tt.null})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if want := tt.null.file == file; (len(got) == 1) != want {
					t.Errorf("null acceptances %v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestWithoutNulls(t *testing.T) {
	names := []string{"issuer", "scopes"}
	tests := []struct{ in, want string }{
		{`{"issuer":null,"scopes":null,"basic":true}`, `{"basic":true}`},
		{`{"issuer":"x","scopes":null}`, `{"issuer":"x"}`},
		{`{"issuer":"x","other":null}`, `{"issuer":"x","other":null}`},
		{`[null]`, `[null]`},
		{`not json`, `not json`},
		{``, ``},
	}
	for _, tt := range tests {
		got := string(withoutNulls([]byte(tt.in), names))
		if strings.TrimSpace(got) != tt.want {
			t.Errorf("withoutNulls(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := string(withoutNulls([]byte(`{"issuer":null}`), nil)); got != `{"issuer":null}` {
		t.Errorf("no names: %s", got)
	}
}
