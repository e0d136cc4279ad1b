package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// Limits of a request body. Every body is read through readObject, so these hold for the admin
// and the developer API alike.
const (
	maxBodyBytes = 1 << 20 // bytes of one request body
	// maxJSONMembers bounds the members of one object and the items of one array: no field of
	// the API takes more, and a larger one would only make work (a map of every key, a
	// violation for each unknown one).
	maxJSONMembers = 1000
	// maxJSONDepth bounds the nesting of objects and arrays; the deepest field of the API (a
	// plugin's free-form config) needs far fewer levels.
	maxJSONDepth = 32
)

// object reads the fields of one JSON object, recording a violation for each field of the wrong
// type; finish adds one for every field nobody asked for.
type object struct {
	prefix string
	raw    map[string]json.RawMessage
	used   map[string]bool
	vs     *[]core.Violation
}

// readObject reads a request body that must be a JSON object. A body that is too large, cut off,
// too slow or too wide or deep is refused before any map of it is built.
func readObject(w http.ResponseWriter, r *http.Request) (*object, error) {
	if r.ContentLength > maxBodyBytes {
		return nil, bodyTooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, bodyReadError(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, core.Invalid(core.Violation{Field: "body", Rule: "required", Source: "body",
			Reason: "a JSON object is required as the request body"})
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, errorf(http.StatusUnsupportedMediaType,
			"Content-Type %q is not supported: send the body as JSON with Content-Type: application/json.", r.Header.Get("Content-Type"))
	}
	if v := checkJSONShape(body); v != nil {
		return nil, core.Invalid(*v)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		reason := "the request body must be a JSON object"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			reason = fmt.Sprintf("the request body is not valid JSON: %v (at byte %d)", se, se.Offset)
		}
		return nil, core.Invalid(core.Violation{Field: "body", Rule: "is_object", Source: "body", Reason: reason})
	}
	return &object{raw: raw, used: map[string]bool{}, vs: new([]core.Violation)}, nil
}

func bodyTooLarge() error {
	return errorf(http.StatusRequestEntityTooLarge, "The request body is larger than %d bytes.", maxBodyBytes)
}

// bodyReadError turns a failed read of the request body into the client's problem: too large,
// too slow (the server's read timeout) or cut off before its declared end.
func bodyReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return bodyTooLarge()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errorf(http.StatusRequestTimeout,
			"The request body did not arrive within the server's read timeout: send it in one go.")
	}
	return core.Invalid(core.Violation{Field: "body", Rule: "invalid", Source: "body",
		Reason: fmt.Sprintf("the request body could not be read to its end (%v): send the whole body, matching Content-Length", err)})
}

// jsonFrame is one open object or array while checkJSONShape walks a body.
type jsonFrame struct {
	object    bool
	members   int
	expectKey bool   // in an object: the next token is a key or the closing brace
	key       string // in an object: the key of the member being read
}

// checkJSONShape walks the tokens of body and reports the first object or array with more than
// maxJSONMembers members, or nesting deeper than maxJSONDepth, naming where it is. Syntax errors
// are left to the decoding that follows, which describes them.
func checkJSONShape(body []byte) *core.Violation {
	d := json.NewDecoder(bytes.NewReader(body))
	var stack []jsonFrame
	for {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
			if key, ok := tok.(string); ok {
				top := &stack[n-1]
				top.members++
				top.expectKey, top.key = false, key
				if top.members > maxJSONMembers {
					return shapeViolation(stack, fmt.Sprintf("must not have more than %d members", maxJSONMembers))
				}
				continue
			}
		}
		switch tok {
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil
			}
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if top.object {
				top.expectKey = true
			} else if top.members++; top.members > maxJSONMembers {
				return shapeViolation(stack, fmt.Sprintf("must not have more than %d items", maxJSONMembers))
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, jsonFrame{object: tok == json.Delim('{'), expectKey: true})
			if len(stack) > maxJSONDepth {
				return shapeViolation(stack, fmt.Sprintf("nests objects and arrays deeper than %d levels", maxJSONDepth))
			}
		default:
			if len(stack) == 0 {
				return nil
			}
		}
	}
}

// shapeViolation names the innermost container of stack by its path in the body ("labels",
// "config.allow[3]"), or "body" for the body itself.
func shapeViolation(stack []jsonFrame, reason string) *core.Violation {
	var path strings.Builder
	for i, f := range stack[:len(stack)-1] {
		switch {
		case f.object && i == 0:
			path.WriteString(f.key)
		case f.object:
			path.WriteString("." + f.key)
		default:
			fmt.Fprintf(&path, "[%d]", f.members-1)
		}
	}
	field := path.String()
	if field == "" {
		field = "body"
	}
	return &core.Violation{Field: field, Rule: "invalid", Source: "body", Reason: fmt.Sprintf("%q %s", field, reason)}
}

func (o *object) path(name string) string { return o.prefix + name }

func (o *object) violate(v core.Violation) { *o.vs = append(*o.vs, v) }

// take marks name as known and returns its raw value, if present.
func (o *object) take(name string) (json.RawMessage, bool) {
	o.used[name] = true
	v, ok := o.raw[name]
	return v, ok
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// wireKind is a JSON type in the words and rule names of Konnect's validation errors.
type wireKind struct{ rule, reason string }

var (
	kindBoolean = wireKind{"is_boolean", "must be true or false"}
	kindString  = wireKind{"is_string", "must be a utf-8 string"}
	kindInteger = wireKind{"is_integer", "must be an integer"}
	kindArray   = wireKind{"is_array", "must be an array of strings"}
	kindObject  = wireKind{"is_object", "must be an object"}
)

func kindOf[T any]() wireKind {
	var zero T
	switch any(zero).(type) {
	case bool:
		return kindBoolean
	case string:
		return kindString
	case int:
		return kindInteger
	case []string:
		return kindArray
	default:
		return kindObject
	}
}

// field reads name as a T. Null is accepted only when nullable.
func field[T any](o *object, name string, nullable bool) core.Field[T] {
	raw, ok := o.take(name)
	if !ok {
		return core.Field[T]{}
	}
	if isNull(raw) {
		if nullable {
			return core.Null[T]()
		}
		o.typeViolation(name, kindOf[T]())
		return core.Field[T]{}
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		o.typeViolation(name, kindOf[T]())
		return core.Field[T]{}
	}
	return core.Val(v)
}

func (o *object) typeViolation(name string, k wireKind) {
	o.violate(core.Violation{Field: o.path(name), Rule: k.rule, Source: "body",
		Reason: fmt.Sprintf("value of %q %s", o.path(name), k.reason)})
}

// labels reads a labels object; null values are kept as nil for the core rules to judge.
func (o *object) labels(name string, nullable bool) core.Field[map[string]*string] {
	raws := field[map[string]json.RawMessage](o, name, nullable)
	if !raws.HasValue() {
		return core.Field[map[string]*string]{Set: raws.Set, Null: raws.Null}
	}
	out := make(map[string]*string, len(raws.Value))
	for k, raw := range raws.Value {
		if isNull(raw) {
			out[k] = nil
			continue
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			o.violate(core.Violation{Field: o.path(name) + "." + k, Rule: "is_label", Source: "body",
				Reason: "label values must be strings"})
			continue
		}
		out[k] = &v
	}
	return core.Val(out)
}

// child reads name as a nested object. It returns nil when absent or null; null is a violation
// unless nullable, and isNull reports it.
func (o *object) child(name string, nullable bool) (child *object, null bool) {
	raw, ok := o.take(name)
	if !ok {
		return nil, false
	}
	if isNull(raw) {
		if !nullable {
			o.typeViolation(name, kindObject)
		}
		return nil, true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		o.typeViolation(name, kindObject)
		return nil, false
	}
	return &object{prefix: o.path(name) + ".", raw: m, used: map[string]bool{}, vs: o.vs}, false
}

// ignore accepts names without using them.
func (o *object) ignore(names ...string) {
	for _, n := range names {
		o.used[n] = true
	}
}

// readOnly rejects names that the documents list in a request schema as read-only: the server
// sets them, so a client sending one has misunderstood something.
func (o *object) readOnly(names ...string) {
	for _, n := range names {
		if _, ok := o.take(n); ok {
			o.violate(core.Violation{Field: o.path(n), Rule: "unknown_property", Source: "body",
				Reason: fmt.Sprintf("%q is read-only: the server sets it; remove it from the request", o.path(n))})
		}
	}
}

// anyMap reads the whole object as free-form JSON, keeping numbers exact.
func (o *object) anyMap() map[string]any {
	out := make(map[string]any, len(o.raw))
	for k, raw := range o.raw {
		o.used[k] = true
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err == nil {
			out[k] = v
		}
	}
	return out
}

// finish reports unknown properties and returns every violation found so far.
func (o *object) finish() []core.Violation {
	var unknown []string
	for k := range o.raw {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		o.violate(core.Violation{Field: o.path(k), Rule: "unknown_property", Source: "body",
			Reason: fmt.Sprintf("%q is not allowed", o.path(k))})
	}
	return *o.vs
}
