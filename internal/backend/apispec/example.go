package apispec

import (
	"encoding/json"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Bounds on an example rendered as JSON: past them the text ends with an ellipsis.
const (
	maxExampleBytes = 16 << 10
	maxExampleDepth = 32
)

// exampleJSON renders a YAML value as JSON, keys in document order, indented when indent is set.
// The text is cut at maxExampleBytes so that an alias-heavy example cannot expand without limit.
func exampleJSON(n *yaml.Node, indent bool) string {
	w := &jsonWriter{indent: indent, maxBytes: maxExampleBytes, maxDepth: maxExampleDepth}
	w.value(n, 0)
	if w.full {
		return w.b.String() + "…"
	}
	return w.b.String()
}

// jsonWriter writes a node tree as JSON; a zero bound is no bound.
type jsonWriter struct {
	b        strings.Builder
	indent   bool
	maxBytes int
	maxDepth int
	full     bool
}

func (w *jsonWriter) write(s string) {
	if w.full {
		return
	}
	if w.maxBytes > 0 && w.b.Len()+len(s) > w.maxBytes {
		w.full = true
		return
	}
	w.b.WriteString(s)
}

func (w *jsonWriter) newline(depth int) {
	if w.indent {
		w.write("\n" + strings.Repeat("  ", depth))
	}
}

func (w *jsonWriter) value(n *yaml.Node, depth int) {
	n = deref(n)
	if w.full || n == nil {
		return
	}
	if w.maxDepth > 0 && depth > w.maxDepth {
		w.write("…")
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			w.write("{}")
			return
		}
		w.write("{")
		for i := 0; i+1 < len(n.Content) && !w.full; i += 2 {
			if i > 0 {
				w.write(",")
			}
			w.newline(depth + 1)
			w.write(quoteJSON(n.Content[i].Value))
			w.write(":")
			if w.indent {
				w.write(" ")
			}
			w.value(n.Content[i+1], depth+1)
		}
		w.newline(depth)
		w.write("}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			w.write("[]")
			return
		}
		w.write("[")
		for i, item := range n.Content {
			if w.full {
				break
			}
			if i > 0 {
				w.write(",")
			}
			w.newline(depth + 1)
			w.value(item, depth+1)
		}
		w.newline(depth)
		w.write("]")
	case yaml.ScalarNode:
		w.write(scalarJSON(n))
	}
}

// scalarJSON writes a YAML scalar as the JSON value it stands for: numbers, booleans and null
// bare when they are valid JSON, everything else as a string.
func scalarJSON(n *yaml.Node) string {
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!bool":
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return strconv.FormatBool(b)
		}
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return n.Value
		}
	}
	return quoteJSON(n.Value)
}

// quoteJSON quotes a string for JSON, leaving <, > and & as they are: the text is shown to people
// and escaped for HTML by the template that shows it.
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""`
	}
	return strings.TrimSuffix(b.String(), "\n")
}
