// Package conformance checks HTTP exchanges of the bundled backend against the Konnect OpenAPI
// documents it is wire-compatible with. It is used by tests only.
package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// ErrNotInSpec reports an exchange whose path or method none of the documents describe, such as
// the backend's own extensions or /healthz. Callers skip such exchanges.
var ErrNotInSpec = errors.New("not described by the Konnect documents")

// documents lists the files Load reads and the part of the URL space each one describes.
var documents = []struct {
	file string
	area area
	// schemas30 marks a document that declares OpenAPI 3.1 but writes its schemas in the 3.0
	// dialect (nullable: true, which 3.1 dropped, and none of 3.1's own forms). Validated as 3.1,
	// every null it explicitly allows would be refused, so it is validated as the 3.0 it is.
	schemas30 bool
}{
	{"portal-management-v3.yaml", areaManagement, false},
	{"api-builder-v3.yaml", areaManagement, false},
	{"application-auth-strategies-v2.yaml", areaAuthStrategies, false},
	{"dev-portal-v3.yaml", areaDevPortal, false},
	{"control-planes-config-v2.yaml", areaControlPlanes, true},
}

// uuidFormat is stricter than kin-openapi, which accepts any string for format uuid; Konnect ids
// are canonical lower- or upper-case UUIDs.
var uuidFormat = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Specs holds the loaded Konnect documents, indexed for routing. It is safe for concurrent use.
type Specs struct {
	templates  map[area][]template
	allowances map[*openapi3.Operation][]allowance
	extensions map[*openapi3.Operation][]requestExtension
	nulls      map[*openapi3.Operation][]string
}

// Load reads the five Konnect documents from dir. The documents are used as published: examples
// are not validated (several do not match their own schemas) and external references are refused.
func Load(dir string) (*Specs, error) {
	s := &Specs{
		templates:  map[area][]template{},
		allowances: map[*openapi3.Operation][]allowance{},
		extensions: map[*openapi3.Operation][]requestExtension{},
		nulls:      map[*openapi3.Operation][]string{},
	}
	for _, d := range documents {
		path := filepath.Join(dir, d.file)
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", path, err)
		}
		if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
			return nil, fmt.Errorf("validating %s: %w", path, err)
		}
		if d.schemas30 {
			doc.OpenAPI = "3.0.3" // the loaded copy only; the file is left as published
		}
		if err := returnWriteOnly(doc, d.file, writeOnlyReturns); err != nil {
			return nil, err
		}
		if err := extendResponses(doc, d.file, responseExtensions); err != nil {
			return nil, err
		}
		as, err := allow(doc, d.file, allowances)
		if err != nil {
			return nil, err
		}
		maps.Copy(s.allowances, as)
		es, err := extend(doc, d.file, requestExtensions)
		if err != nil {
			return nil, err
		}
		maps.Copy(s.extensions, es)
		ns, err := acceptNulls(doc, d.file, requestNulls)
		if err != nil {
			return nil, err
		}
		maps.Copy(s.nulls, ns)
		for p, item := range doc.Paths.Map() {
			s.templates[d.area] = append(s.templates[d.area], newTemplate(doc, p, item))
		}
	}
	return s, nil
}

// CheckExchange validates one exchange against the operation the documents give for its request.
// The response status must be documented, its content type one the operation declares and its
// body must match the schema, problem+json error bodies included. A request that the server
// accepted (2xx) must itself conform, body, query and path parameters alike: a server that
// accepts what Konnect refuses lets clients depend on requests that Konnect would reject.
// reqBody is the body the client sent. Exchanges the documents do not describe return an error
// wrapping ErrNotInSpec.
func (s *Specs) CheckExchange(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	route, params, err := s.route(req.Method, req.URL.Path)
	if err != nil {
		return err
	}
	extensions, nulls := s.extensions[route.Operation], s.nulls[route.Operation]
	route.Operation = withAllowances(route.Spec, route.Operation, s.allowances[route.Operation], req)
	op := fmt.Sprintf("%s %s (%s) returned %d", req.Method, route.Path, route.Operation.OperationID, status)
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref != nil && ref.Ref != "" {
		op += ", response " + ref.Ref
	}
	schemaOpts := []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(validateUUID)),
	}
	if !route.Spec.IsOpenAPI31OrLater() {
		// Keeps messages to the failing path and reason instead of dumping whole schemas. The
		// JSON Schema 2020-12 validator used for OpenAPI 3.1 refuses it and is terse already.
		schemaOpts = append(schemaOpts, openapi3.DisableSchemaErrorDetails())
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus:   true,
		MultiError:              true,
		SkipSettingDefaults:     true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: schemaOpts,
	}
	reqInput := func(body []byte) *openapi3filter.RequestValidationInput {
		r := req.Clone(req.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		return &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	}

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput(reqBody),
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	// Error bodies the document does not describe are harmless; data where it promises none is not.
	if status < 300 && ref != nil && ref.Value != nil && len(ref.Value.Content) == 0 && len(bytes.TrimSpace(body)) > 0 {
		return fmt.Errorf("%s: the document declares no body for this status, got %d bytes", op, len(body))
	}
	if status >= 200 && status < 300 {
		checked := withoutNulls(withoutExtensions(reqBody, extensions), nulls)
		err := withoutIgnored(openapi3filter.ValidateRequest(context.Background(), reqInput(checked)), params)
		if err != nil {
			return fmt.Errorf("%s, accepting a request the document rejects: %w", op, err)
		}
	}
	return nil
}

// route finds the documented operation for a request to the backend.
func (s *Specs) route(method, path string) (*routers.Route, map[string]string, error) {
	a, specPath := classify(stripRegion(path))
	if a == areaNone {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, ErrNotInSpec)
	}
	t, params, pathKnown := find(s.templates[a], specPath, method)
	if t == nil {
		what := "path"
		if pathKnown {
			what = "method"
		}
		return nil, nil, fmt.Errorf("%s %s: %s %w", method, path, what, ErrNotInSpec)
	}
	return &routers.Route{
		Spec:      t.doc,
		Path:      t.path,
		PathItem:  t.item,
		Method:    method,
		Operation: t.item.GetOperation(method),
	}, params, nil
}

func validateUUID(v string) error {
	if !uuidFormat.MatchString(v) {
		return errors.New("not a UUID")
	}
	return nil
}
