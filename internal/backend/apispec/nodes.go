package apispec

import (
	"net/url"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// deref follows a YAML alias to the node it names. An anchored node is never itself an alias, so
// one step is enough.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// lookup returns the value under key in mapping n, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// lookupKey returns the key node and the value under key in mapping n; both nil when absent.
func lookupKey(n *yaml.Node, key string) (keyNode, value *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], deref(n.Content[i+1])
		}
	}
	return nil, nil
}

// str returns the text of a scalar under key, or "" when absent or not a scalar.
func str(n *yaml.Node, key string) string {
	v := lookup(n, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

// boolean reports whether the value under key is the boolean true.
func boolean(n *yaml.Node, key string) bool {
	v := lookup(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return false
	}
	b, err := strconv.ParseBool(v.Value)
	return err == nil && b
}

// isMapping reports whether n (after aliases) is an object.
func isMapping(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.MappingNode
}

// eachPair calls fn for each key and value of mapping n, in document order, until fn returns false.
func eachPair(n *yaml.Node, fn func(key, value *yaml.Node) bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !fn(n.Content[i], deref(n.Content[i+1])) {
			return
		}
	}
}

// path is the location of a value, built as the checks descend and rendered only for an error.
type path struct {
	parent *path
	key    string
}

func (p *path) child(key string) *path { return &path{parent: p, key: key} }
func (p *path) index(i int) *path      { return &path{parent: p, key: strconv.Itoa(i)} }

// pointer renders the path as a JSON Pointer.
func (p *path) pointer() string {
	var keys []string
	for q := p; q != nil && q.parent != nil; q = q.parent {
		keys = append(keys, q.key)
	}
	var b strings.Builder
	for i := len(keys) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(escapePointer(keys[i]))
	}
	return b.String()
}

var (
	pointerEscaper   = strings.NewReplacer("~", "~0", "/", "~1")
	pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

func escapePointer(key string) string { return pointerEscaper.Replace(key) }

// dottedPath renders a JSON Pointer for people: "/paths/~1pets/get" becomes "paths./pets.get".
func dottedPath(pointer string) string {
	if pointer == "" || pointer == "/" {
		return ""
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, part := range parts {
		parts[i] = pointerUnescaper.Replace(part)
	}
	return strings.Join(parts, ".")
}

// errorAt is an *Error located at node n and path p.
func errorAt(n *yaml.Node, p *path, message string) *Error {
	e := &Error{Pointer: p.pointer(), Message: message}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// resolver finds the targets of local references ("#/components/schemas/Pet"), remembering each.
type resolver struct {
	root  *yaml.Node
	cache map[string]*yaml.Node
}

func newResolver(root *yaml.Node) *resolver {
	return &resolver{root: root, cache: make(map[string]*yaml.Node)}
}

// isLocalRef reports whether ref points inside this document.
func isLocalRef(ref string) bool { return strings.HasPrefix(ref, "#") }

// resolve returns the node a local reference names, or nil when it names nothing.
func (r *resolver) resolve(ref string) *yaml.Node {
	if n, ok := r.cache[ref]; ok {
		return n
	}
	n := r.walk(ref)
	r.cache[ref] = n
	return n
}

func (r *resolver) walk(ref string) *yaml.Node {
	fragment := strings.TrimPrefix(ref, "#")
	if unescaped, err := url.PathUnescape(fragment); err == nil {
		fragment = unescaped
	}
	if fragment == "" {
		return r.root
	}
	if !strings.HasPrefix(fragment, "/") {
		return nil
	}
	n := r.root
	for _, part := range strings.Split(fragment[1:], "/") {
		part = pointerUnescaper.Replace(part)
		n = deref(n)
		switch {
		case n == nil:
			return nil
		case n.Kind == yaml.MappingNode:
			n = lookup(n, part)
		case n.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = deref(n.Content[i])
		default:
			return nil
		}
	}
	return n
}

// refName is the last segment of a reference, the name a reader knows it by: "Pet" for
// "#/components/schemas/Pet", "pet.yaml" for an external file.
func refName(ref string) string {
	ref = strings.TrimRight(ref, "/")
	if i := strings.LastIndexAny(ref, "/#"); i >= 0 {
		ref = ref[i+1:]
	}
	return pointerUnescaper.Replace(ref)
}
