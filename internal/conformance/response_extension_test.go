package conformance

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// registrationDoc returns a document whose get-reg response is the closed Reg object schema, and
// whose put-reg request uses it too when usedInRequest is set.
func registrationDoc(usedInRequest bool) *openapi3.T {
	reg := &openapi3.SchemaRef{Ref: "#/components/schemas/Reg", Value: &openapi3.Schema{
		Type:       &openapi3.Types{"object"},
		Properties: openapi3.Schemas{"status": openapi3.NewStringSchema().NewRef()},
	}}
	get := openapi3.NewResponses()
	get.Set("200", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithJSONSchemaRef(reg)})
	item := &openapi3.PathItem{Get: &openapi3.Operation{OperationID: "get-reg", Responses: get}}
	if usedInRequest {
		item.Put = &openapi3.Operation{OperationID: "put-reg", Responses: get,
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithJSONSchemaRef(reg)}}
	}
	paths := openapi3.NewPaths()
	paths.Set("/regs/{id}", item)
	return &openapi3.T{Paths: paths, Components: &openapi3.Components{Schemas: openapi3.Schemas{"Reg": reg}}}
}

func TestExtendResponses(t *testing.T) {
	const file = "portal-management-v3.yaml"
	doc := registrationDoc(false)
	if err := extendResponses(doc, file, []responseExtension{{file, "Reg", "suspended_reason"}, {"other.yaml", "Nope", "x"}}); err != nil {
		t.Fatal(err)
	}
	got := doc.Paths.Value("/regs/{id}").Get.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	if p := got.Properties["suspended_reason"]; p == nil || !p.Value.Type.Is("string") {
		t.Errorf("response schema properties %v lack a string suspended_reason", got.Properties)
	}
	if got.Properties["status"] == nil {
		t.Error("the documented properties were lost")
	}

	for _, tt := range []struct {
		name string
		doc  *openapi3.T
		ext  responseExtension
		want string
	}{
		{"unknown schema", registrationDoc(false), responseExtension{file, "Gone", "x"}, "unknown object schema Gone"},
		{"documented since", registrationDoc(false), responseExtension{file, "Reg", "status"}, "remove its response extension"},
		{"used in a request", registrationDoc(true), responseExtension{file, "Reg", "suspended_reason"}, "put-reg takes Reg as its request body"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := extendResponses(tt.doc, file, []responseExtension{tt.ext}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
