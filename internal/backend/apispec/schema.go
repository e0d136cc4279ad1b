package apispec

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Schema is one node of a schema tree as the website shows it: a property, an array's items, a
// variant. Trees are built fresh for each place a schema appears, so a template may read them
// freely; nothing in them is shared.
type Schema struct {
	// Name is the property name when this schema is a property of an object.
	Name string
	// Required is set on a property its object lists in `required`.
	Required bool

	// Type is the JSON type ("object", "string", ...); several types read "string or integer".
	// Empty when the schema does not say.
	Type        string
	Format      string
	Title       string
	Description string
	Enum        []string
	Default     string
	// Constraints are the bounds a value must keep, in words: "at least 1", "pattern ^[a-z]+$".
	Constraints []string
	Nullable    bool
	Deprecated  bool
	ReadOnly    bool
	WriteOnly   bool

	// RefName is the name of the component this schema came from through $ref ("Pet"), if any.
	RefName string
	// Recursive marks a reference to a schema that is already open above this one: it is shown by
	// name instead of being expanded again.
	Recursive bool
	// Truncated marks a schema not expanded, or expanded only in part, because the tree reached its
	// depth or size bound, or because it lives in another file.
	Truncated bool

	// Properties of an object, in document order, with those of allOf members merged in.
	Properties []*Schema
	// Items of an array.
	Items *Schema
	// AdditionalProperties describes the values of a map-like object.
	AdditionalProperties *Schema
	// Variants are the alternatives of oneOf or anyOf; Combinator says which ("oneOf", "anyOf").
	Variants   []*Schema
	Combinator string
	// Extends names allOf members that could not be merged in (recursive or not expanded).
	Extends []string
}

// Summary is a short type description for one line: "string (date-time)", "array of Pet",
// "one of Cat, Dog", "Node (recursive)".
func (s *Schema) Summary() string {
	if s == nil {
		return "any"
	}
	if s.RefName != "" && (s.Recursive || s.Truncated) {
		if s.Recursive {
			return s.RefName + " (recursive)"
		}
		return s.RefName
	}
	var b strings.Builder
	switch {
	case s.Type == "array" && s.Items != nil:
		b.WriteString("array of ")
		b.WriteString(s.Items.shortName())
	case len(s.Variants) > 0:
		if s.Combinator == "anyOf" {
			b.WriteString("any of ")
		} else {
			b.WriteString("one of ")
		}
		for i, v := range s.Variants {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.shortName())
		}
	case s.RefName != "" && !s.isPrimitive():
		b.WriteString(s.RefName)
	case s.Type != "":
		b.WriteString(s.Type)
	case len(s.Properties) > 0:
		b.WriteString("object")
	default:
		b.WriteString("any")
	}
	if s.Format != "" {
		b.WriteString(" (")
		b.WriteString(s.Format)
		b.WriteString(")")
	}
	return b.String()
}

// shortName names a schema inside another's summary: its component name or its type.
func (s *Schema) shortName() string {
	switch {
	case s == nil:
		return "any"
	case s.RefName != "" && !s.isPrimitive():
		return s.RefName
	case s.Type == "array" && s.Items != nil:
		return "array of " + s.Items.shortName()
	case s.Type != "":
		return s.Type
	case len(s.Properties) > 0:
		return "object"
	}
	return "any"
}

// isPrimitive reports whether the schema is a plain value (string, number, ...), whose type says more
// than a component name would.
func (s *Schema) isPrimitive() bool {
	switch s.Type {
	case "", "object", "array":
		return false
	}
	return len(s.Properties) == 0 && len(s.Variants) == 0
}

// Bounds on a schema tree, so that a document of deeply shared components cannot make the view
// model grow without limit.
const (
	maxSchemaDepth     = 12
	maxNodesPerSchema  = 2000
	maxNodesPerDocView = 100_000
	maxRefHops         = 16
)

// builder turns schema nodes into Schema trees within the bounds.
type builder struct {
	r *resolver
	// total is what remains of the document-wide node budget; root that of the current tree.
	total int
	root  int
	open  []*yaml.Node // the referenced schemas being expanded, to spot recursion
}

func newBuilder(r *resolver) *builder {
	return &builder{r: r, total: maxNodesPerDocView}
}

// tree builds the schema at n as the root of a new tree.
func (b *builder) tree(n *yaml.Node) *Schema {
	if n == nil {
		return nil
	}
	b.root = maxNodesPerSchema
	b.open = b.open[:0]
	return b.schema(n, 0)
}

// spend takes one node from the budgets, reporting false when none is left.
func (b *builder) spend() bool {
	if b.exhausted() {
		return false
	}
	b.total--
	b.root--
	return true
}

func (b *builder) exhausted() bool { return b.total <= 0 || b.root <= 0 }

func (b *builder) isOpen(n *yaml.Node) bool {
	for _, o := range b.open {
		if o == n {
			return true
		}
	}
	return false
}

// schema builds the schema at n, nil when n is no schema or no node is left in the budget. Every
// node built, even one not expanded, takes one from the budget.
func (b *builder) schema(n *yaml.Node, depth int) *Schema {
	n = deref(n)
	if n == nil || !b.spend() {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		// JSON Schema allows true (anything) and false (nothing) as schemas.
		if n.Value == "false" {
			return &Schema{Type: "never"}
		}
		return &Schema{}
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	if ref := str(n, "$ref"); ref != "" {
		return b.reference(n, ref, depth)
	}
	if depth >= maxSchemaDepth {
		return &Schema{Type: schemaType(n), Truncated: true}
	}
	s := &Schema{}
	b.fill(s, n, depth)
	return s
}

// reference expands a $ref schema, or names it when it is recursive, external or past the bounds.
// Fields beside $ref (allowed in OpenAPI 3.1) override the target's description.
func (b *builder) reference(n *yaml.Node, ref string, depth int) *Schema {
	name := refName(ref)
	if !isLocalRef(ref) {
		return &Schema{RefName: name, Truncated: true, Description: str(n, "description")}
	}
	target := n
	for hops := 0; hops < maxRefHops; hops++ {
		next := str(target, "$ref")
		if next == "" {
			break
		}
		target = deref(b.r.resolve(next))
		if target == nil {
			return &Schema{RefName: name, Truncated: true}
		}
	}
	if lookup(target, "$ref") != nil {
		return &Schema{RefName: name, Recursive: true}
	}
	if b.isOpen(target) {
		return &Schema{RefName: name, Recursive: true, Type: schemaType(target)}
	}
	if depth >= maxSchemaDepth {
		return &Schema{RefName: name, Truncated: true, Type: schemaType(target)}
	}
	b.open = append(b.open, target)
	s := &Schema{RefName: name}
	b.fill(s, target, depth)
	b.open = b.open[:len(b.open)-1]
	if d := str(n, "description"); d != "" {
		s.Description = d
	}
	return s
}

// keyword names the schema keywords the view reads.
type keyword int

const (
	kwType keyword = iota
	kwFormat
	kwTitle
	kwDescription
	kwNullable
	kwDeprecated
	kwReadOnly
	kwWriteOnly
	kwEnum
	kwConst
	kwDefault
	kwRequired
	kwProperties
	kwItems
	kwAdditionalProperties
	kwAllOf
	kwOneOf
	kwAnyOf
	kwMinimum
	kwMaximum
	kwExclusiveMinimum
	kwExclusiveMaximum
	kwMultipleOf
	kwMinLength
	kwMaxLength
	kwPattern
	kwMinItems
	kwMaxItems
	kwUniqueItems
	kwMinProperties
	kwMaxProperties
	keywordCount
)

var keywordIndex = map[string]keyword{
	"type": kwType, "format": kwFormat, "title": kwTitle, "description": kwDescription,
	"nullable": kwNullable, "deprecated": kwDeprecated, "readOnly": kwReadOnly, "writeOnly": kwWriteOnly,
	"enum": kwEnum, "const": kwConst, "default": kwDefault, "required": kwRequired,
	"properties": kwProperties, "items": kwItems, "additionalProperties": kwAdditionalProperties,
	"allOf": kwAllOf, "oneOf": kwOneOf, "anyOf": kwAnyOf,
	"minimum": kwMinimum, "maximum": kwMaximum, "exclusiveMinimum": kwExclusiveMinimum,
	"exclusiveMaximum": kwExclusiveMaximum, "multipleOf": kwMultipleOf,
	"minLength": kwMinLength, "maxLength": kwMaxLength, "pattern": kwPattern,
	"minItems": kwMinItems, "maxItems": kwMaxItems, "uniqueItems": kwUniqueItems,
	"minProperties": kwMinProperties, "maxProperties": kwMaxProperties,
}

// keywords are the values of one schema's keywords, read in one pass over its keys: a schema is
// read for some thirty keywords, and looking each up would scan its keys thirty times.
type keywords [keywordCount]*yaml.Node

func (k *keywords) read(n *yaml.Node) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if kw, ok := keywordIndex[n.Content[i].Value]; ok && k[kw] == nil {
			k[kw] = deref(n.Content[i+1])
		}
	}
}

// str is the text of a scalar keyword, "" when absent, null or not a scalar.
func (k *keywords) str(kw keyword) string {
	v := k[kw]
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

func (k *keywords) boolean(kw keyword) bool {
	v := k[kw]
	if v == nil || v.Kind != yaml.ScalarNode {
		return false
	}
	b, err := strconv.ParseBool(v.Value)
	return err == nil && b
}

func (k *keywords) list(kw keyword) []*yaml.Node {
	if v := k[kw]; v != nil && v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return nil
}

// schemaType reads `type`, which is a string or (OpenAPI 3.1) a list of strings; "null" in the
// list is left to Nullable.
func schemaType(n *yaml.Node) string {
	var k keywords
	k.read(n)
	return k.schemaType()
}

func (k *keywords) schemaType() string {
	t := k[kwType]
	if t == nil {
		switch {
		case k[kwProperties] != nil:
			return "object"
		case k[kwItems] != nil:
			return "array"
		}
		return ""
	}
	if t.Kind == yaml.ScalarNode {
		return t.Value
	}
	var types []string
	for _, item := range k.list(kwType) {
		if item = deref(item); item.Kind == yaml.ScalarNode && item.Value != "null" {
			types = append(types, item.Value)
		}
	}
	return strings.Join(types, " or ")
}

// fill reads the fields of schema node n into s, expanding its children one level deeper.
func (b *builder) fill(s *Schema, n *yaml.Node, depth int) {
	var k keywords
	k.read(n)
	s.Type = k.schemaType()
	s.Format = k.str(kwFormat)
	s.Title = k.str(kwTitle)
	s.Description = k.str(kwDescription)
	s.Nullable = k.boolean(kwNullable) || k.typeListHasNull()
	s.Deprecated = k.boolean(kwDeprecated)
	s.ReadOnly = k.boolean(kwReadOnly)
	s.WriteOnly = k.boolean(kwWriteOnly)
	s.Enum = scalarList(k[kwEnum])
	if c := k[kwConst]; c != nil && s.Enum == nil {
		s.Enum = []string{scalarText(c)}
	}
	if d := k[kwDefault]; d != nil {
		s.Default = scalarText(d)
	}
	s.Constraints = k.constraints()

	required := k.requiredSet()
	eachPair(k[kwProperties], func(key, value *yaml.Node) bool {
		if b.exhausted() {
			s.Truncated = true
			return false
		}
		p := b.schema(value, depth+1)
		if p == nil {
			return true
		}
		p.Name = key.Value
		_, p.Required = required[key.Value]
		s.Properties = append(s.Properties, p)
		return true
	})
	if items := k[kwItems]; items != nil {
		s.Items = b.schema(items, depth+1)
	}
	if extra := k[kwAdditionalProperties]; isMapping(extra) {
		s.AdditionalProperties = b.schema(extra, depth+1)
	}
	for _, member := range k.list(kwAllOf) {
		if b.exhausted() {
			s.Truncated = true
			break
		}
		b.merge(s, b.schema(member, depth), required)
	}
	for _, combinator := range []keyword{kwOneOf, kwAnyOf} {
		variants := k.list(combinator)
		if variants == nil || len(s.Variants) > 0 {
			continue
		}
		s.Combinator = "oneOf"
		if combinator == kwAnyOf {
			s.Combinator = "anyOf"
		}
		for _, v := range variants {
			if b.exhausted() {
				s.Truncated = true
				break
			}
			if vs := b.schema(v, depth+1); vs != nil {
				s.Variants = append(s.Variants, vs)
			}
		}
	}
}

// merge folds an allOf member into s: its properties join s's (a later one of the same name wins),
// and what s leaves unsaid it takes from the member.
func (b *builder) merge(s, member *Schema, required map[string]struct{}) {
	if member == nil {
		return
	}
	if member.Recursive || member.Truncated {
		if member.RefName != "" {
			s.Extends = append(s.Extends, member.RefName)
		}
		return
	}
	for _, p := range member.Properties {
		if _, ok := required[p.Name]; ok {
			p.Required = true
		}
		replaced := false
		for i, existing := range s.Properties {
			if existing.Name == p.Name {
				s.Properties[i] = p
				replaced = true
				break
			}
		}
		if !replaced {
			s.Properties = append(s.Properties, p)
		}
	}
	if s.Type == "" {
		s.Type = member.Type
	}
	if s.Format == "" {
		s.Format = member.Format
	}
	if s.Description == "" {
		s.Description = member.Description
	}
	if s.Items == nil {
		s.Items = member.Items
	}
	if s.AdditionalProperties == nil {
		s.AdditionalProperties = member.AdditionalProperties
	}
	if len(s.Enum) == 0 {
		s.Enum = member.Enum
	}
	if len(s.Variants) == 0 {
		s.Variants, s.Combinator = member.Variants, member.Combinator
	}
	s.Constraints = append(s.Constraints, member.Constraints...)
	s.Extends = append(s.Extends, member.Extends...)
	s.Nullable = s.Nullable || member.Nullable
	s.Deprecated = s.Deprecated || member.Deprecated
}

func (k *keywords) typeListHasNull() bool {
	for _, item := range k.list(kwType) {
		if deref(item).Value == "null" {
			return true
		}
	}
	return false
}

func (k *keywords) requiredSet() map[string]struct{} {
	names := k.list(kwRequired)
	if len(names) == 0 {
		return nil
	}
	set := make(map[string]struct{}, len(names))
	for _, item := range names {
		set[deref(item).Value] = struct{}{}
	}
	return set
}

// constraints phrases the validation keywords of a schema.
func (k *keywords) constraints() []string {
	var out []string
	add := func(kw keyword, format string) {
		if v := k.str(kw); v != "" {
			out = append(out, strings.Replace(format, "%", v, 1))
		}
	}
	minimum, maximum := k.str(kwMinimum), k.str(kwMaximum)
	switch {
	case k.boolean(kwExclusiveMinimum) && minimum != "":
		out = append(out, "greater than "+minimum)
	case minimum != "":
		out = append(out, "minimum "+minimum)
	}
	if v := k[kwExclusiveMinimum]; v != nil && isNumber(v) {
		out = append(out, "greater than "+v.Value)
	}
	switch {
	case k.boolean(kwExclusiveMaximum) && maximum != "":
		out = append(out, "less than "+maximum)
	case maximum != "":
		out = append(out, "maximum "+maximum)
	}
	if v := k[kwExclusiveMaximum]; v != nil && isNumber(v) {
		out = append(out, "less than "+v.Value)
	}
	add(kwMultipleOf, "multiple of %")
	add(kwMinLength, "min length %")
	add(kwMaxLength, "max length %")
	add(kwPattern, "pattern %")
	add(kwMinItems, "min items %")
	add(kwMaxItems, "max items %")
	if k.boolean(kwUniqueItems) {
		out = append(out, "unique items")
	}
	add(kwMinProperties, "min properties %")
	add(kwMaxProperties, "max properties %")
	return out
}

func isNumber(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	_, err := strconv.ParseFloat(n.Value, 64)
	return err == nil
}

// scalarText renders a value for one line: a scalar as written, anything else as compact JSON.
func scalarText(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return "null"
		}
		return n.Value
	}
	return exampleJSON(n, false)
}

// scalarList renders each value of a list for one line; nil when n is no list.
func scalarList(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, v := range n.Content {
		out = append(out, scalarText(v))
	}
	return out
}
