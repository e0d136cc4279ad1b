// Package apispec reads and checks the API specifications a portal publishes: OpenAPI 3.0 and 3.1,
// AsyncAPI 2.x and 3.0, written in JSON or YAML. Parse refuses a document the website could not
// render, with an error that names the line and says what to fix; Reference turns an accepted
// document into the view model the website shows.
//
// The package is pure: no I/O, no clock, no globals that change. It never panics on input and bounds
// the work a document can ask for (size, nesting, alias expansion, schema depth).
package apispec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Kind names the family of a specification.
type Kind string

// The families Parse accepts.
const (
	KindOpenAPI  Kind = "openapi"
	KindAsyncAPI Kind = "asyncapi"
)

// SpecType is the value of the `type` field the Konnect API documents give a stored specification:
// "oas3" for OpenAPI 3.x, "asyncapi" for AsyncAPI.
func (k Kind) SpecType() string {
	if k == KindOpenAPI {
		return "oas3"
	}
	return string(k)
}

// Bounds on what a document may ask of the parser. A document past them is refused rather than
// parsed for as long as it likes.
const (
	// MaxSize is the largest document, in bytes, that Parse reads.
	MaxSize = 10 << 20
	// MaxDepth is the deepest nesting of objects and arrays that Parse accepts.
	MaxDepth = 64
)

// Document is a parsed, checked specification.
type Document struct {
	Kind Kind
	// SpecVersion is the document's own `openapi` or `asyncapi` field, e.g. "3.0.3" or "2.6.0".
	SpecVersion string
	// Title, Version and Description come from the document's info object.
	Title       string
	Version     string
	Description string

	root *yaml.Node // the top-level mapping
}

// Error is a refusal of a document: where the problem is and what to do about it.
type Error struct {
	// Line and Column are 1-based positions in the uploaded text; 0 when the problem has no place
	// (an empty or oversized document).
	Line, Column int
	// Pointer is the JSON Pointer (RFC 6901) of the offending value, e.g. "/paths/~1pets/get";
	// empty for the document's root and for problems of the text itself (syntax, size).
	Pointer string
	// Message says what is wrong and what to do, in one sentence without the position.
	Message string
}

// Error reads "line 12: paths./pets.get: the operation must be an object ...": the position, the
// dotted path of keys when there is one, and the message.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if path := dottedPath(e.Pointer); path != "" {
		b.WriteString(path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Parse reads a specification in JSON or YAML and checks it. The error, when not nil, is an *Error.
func Parse(content []byte) (*Document, error) {
	root, jsonErr, err := parseTree(content)
	if err != nil {
		return nil, err
	}
	doc := &Document{root: root}
	if err := doc.check(); err != nil {
		if jsonErr != nil {
			// Text that looked like JSON, was not, and does not make a document as YAML either
			// was most likely meant as JSON: its syntax error is the one to fix.
			return nil, jsonErr
		}
		return nil, err
	}
	return doc, nil
}

// parseTree reads the text into a YAML node tree whose root is a mapping, checking size and depth.
// Text that starts like JSON but is not JSON is read as YAML (whose flow style starts with a brace
// too); jsonErr then says what was wrong with it as JSON.
func parseTree(content []byte) (root *yaml.Node, jsonErr *Error, err error) {
	if len(content) > MaxSize {
		return nil, nil, &Error{Message: fmt.Sprintf(
			"the document is %d bytes; the largest accepted is %d bytes (10 MiB): split it or remove unused parts",
			len(content), MaxSize)}
	}
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf")) // a byte order mark some editors write
	trimmed := bytes.TrimSpace(content)
	if len(trimmed) == 0 {
		return nil, nil, &Error{Message: "the document is empty: give an OpenAPI or AsyncAPI document in JSON or YAML"}
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		root, jsonErr = parseJSON(content)
		if jsonErr != nil {
			if jsonErr.Message == depthMessage {
				return nil, nil, jsonErr
			}
			var yamlErr *Error
			if root, yamlErr = parseYAML(content); yamlErr != nil {
				return nil, nil, jsonErr
			}
		}
	} else {
		var yamlErr *Error
		if root, yamlErr = parseYAML(content); yamlErr != nil {
			return nil, nil, yamlErr
		}
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil, &Error{Line: root.Line, Column: root.Column,
			Message: "the document must be an object whose first field is `openapi` or `asyncapi`, not " + describeNode(root)}
	}
	if err := checkTree(root); err != nil {
		return nil, nil, err
	}
	return root, jsonErr, nil
}

// parseYAML reads one YAML document into its node tree.
func parseYAML(content []byte) (*yaml.Node, *Error) {
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var file yaml.Node
	if err := dec.Decode(&file); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Message: "the document is empty: give an OpenAPI or AsyncAPI document in JSON or YAML"}
		}
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{Line: extra.Line, Column: extra.Column,
			Message: "the text holds more than one YAML document: keep only the specification, without a second '---' section"}
	}
	if file.Kind != yaml.DocumentNode || len(file.Content) == 0 {
		return nil, &Error{Message: "the document is empty: give an OpenAPI or AsyncAPI document in JSON or YAML"}
	}
	return file.Content[0], nil
}

const depthMessage = "objects and arrays are nested more than 64 deep: flatten the schema, or move nested parts to components and use $ref"

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError turns a YAML syntax error into an *Error with its line.
func yamlError(err error) *Error {
	msg := err.Error()
	e := &Error{}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if strings.Contains(msg, "exceeded max depth") {
		e.Message = depthMessage
		return e
	}
	e.Message = "invalid YAML: " + msg + "; check the indentation and quoting there"
	return e
}

// checkTree walks the whole tree once: nesting depth, duplicate keys, and keys that are not plain
// scalars. Aliases are not followed here; they are bounded where they are read.
func checkTree(root *yaml.Node) error {
	type frame struct {
		node  *yaml.Node
		depth int
	}
	stack := []frame{{root, 1}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.node
		if f.depth > MaxDepth {
			return &Error{Line: n.Line, Column: n.Column, Message: depthMessage}
		}
		switch n.Kind {
		case yaml.MappingNode:
			var seen map[string]struct{}
			if len(n.Content) > 16 {
				seen = make(map[string]struct{}, len(n.Content)/2)
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i]
				if key.Kind != yaml.ScalarNode {
					return &Error{Line: key.Line, Column: key.Column,
						Message: "a key must be a plain string, not " + describeNode(key)}
				}
				if duplicateKey(n, i, seen) {
					return &Error{Line: key.Line, Column: key.Column,
						Message: fmt.Sprintf("the key %q appears twice in the same object: keep one", key.Value)}
				}
				stack = append(stack, frame{n.Content[i+1], f.depth + 1})
			}
		case yaml.SequenceNode:
			for _, item := range n.Content {
				stack = append(stack, frame{item, f.depth + 1})
			}
		}
	}
	return nil
}

// duplicateKey reports whether the key at index i of mapping n repeats an earlier one. Small
// mappings compare directly; large ones use the seen set, which it fills.
func duplicateKey(n *yaml.Node, i int, seen map[string]struct{}) bool {
	key := n.Content[i].Value
	if seen != nil {
		if _, dup := seen[key]; dup {
			return true
		}
		seen[key] = struct{}{}
		return false
	}
	for j := 0; j < i; j += 2 {
		if n.Content[j].Value == key {
			return true
		}
	}
	return false
}

// describeNode names the kind of a value for messages: "a list", "the text \"x\"", ...
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool", "!!int", "!!float":
			return "the value " + truncate(n.Value, 40)
		}
		return strconv.Quote(truncate(n.Value, 40))
	}
	return "an empty value"
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
