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
	if _, err := allow(docWith("204", "404"), file); err == nil || !strings.Contains(err.Error(), "get-portal-authentication-settings") {
		t.Errorf("missing operation: got %v, want an error naming it", err)
	}

	doc := docWith("204", "404", "409")
	paths := doc.Paths
	for _, id := range []string{"get-portal-authentication-settings", "update-portal-authentication-settings", "create-portal"} {
		paths.Set("/"+id, &openapi3.PathItem{Get: &openapi3.Operation{OperationID: id, Responses: openapi3.NewResponses()}})
	}
	if _, err := allow(doc, file); err == nil || !strings.Contains(err.Error(), "now documents 409") {
		t.Errorf("documented status: got %v, want an error asking to remove the allowance", err)
	}

	doc = docWith("204", "404")
	for _, id := range []string{"get-portal-authentication-settings", "update-portal-authentication-settings", "create-portal"} {
		doc.Paths.Set("/"+id, &openapi3.PathItem{Get: &openapi3.Operation{OperationID: id, Responses: openapi3.NewResponses()}})
	}
	got, err := allow(doc, file)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got); n != 4 {
		t.Errorf("allowances for %d operations, want 4", n)
	}
	if got, err := allow(doc, "api-builder-v3.yaml"); err != nil || len(got) != 0 {
		t.Errorf("document without allowances: got %v, %v; want none", got, err)
	}

	// An allowance for every operation skips those that document the status already.
	got, err = allow(doc, "dev-portal-v3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for op, as := range got {
		if op.OperationID == "delete-portal" || len(as) != 1 || as[0].status != 404 {
			t.Errorf("allowance %v for %s", as, op.OperationID)
		}
	}
	if len(got) != 3 {
		t.Errorf("allowances for %d operations, want the 3 without a 404", len(got))
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
	if me, ok := err.(openapi3.MultiError); !ok || len(me) != 1 || me[0] != error(body) {
		t.Errorf("mixed errors: got %v, want only the body error", err)
	}
	if err := withoutIgnored(openapi3.MultiError{param("apiIdOrSlug")}, uuidParams); err != nil {
		t.Errorf("only ignored errors: got %v, want nil", err)
	}
	if err := withoutIgnored(nil, uuidParams); err != nil {
		t.Errorf("no error: got %v", err)
	}
}
