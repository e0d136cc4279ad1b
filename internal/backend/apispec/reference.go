package apispec

import (
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Reference is the view model of a document: what an API's page shows. It holds plain values only,
// so that it can be cached and read by many requests at once.
type Reference struct {
	Kind        Kind
	SpecVersion string
	Title       string
	Version     string
	Description string
	Servers     []Server
	// Groups are the operations by tag: the document's own `tags` first, in their order, then tags
	// met only on operations, then a group with an empty Name for operations without a tag. An
	// operation with several tags appears in each of its groups.
	Groups []TagGroup
	// SecuritySchemes are the ways of authenticating the document declares, by name.
	SecuritySchemes []SecurityScheme
	// Channels are an AsyncAPI document's channels, in document order, with their operations and
	// messages.
	Channels []Channel
	// Truncated is set when the document asked for more items than a page shows (through YAML
	// aliases repeating large parts): what is past the bound is left out.
	Truncated bool
}

// Server is a base URL the API is served at.
type Server struct {
	URL         string
	Description string
	// Protocol is an AsyncAPI server's protocol ("kafka", "mqtt", ...).
	Protocol string
}

// TagGroup is the operations that share a tag.
type TagGroup struct {
	// Anchor is an HTML id for the group, unique within the Reference.
	Anchor      string
	Name        string
	Description string
	Operations  []Operation
}

// Operation is one method on one path.
type Operation struct {
	// Anchor is an HTML id for the operation, unique within the Reference.
	Anchor      string
	Method      string // upper case: GET, POST, ...
	Path        string
	Summary     string
	Description string
	OperationID string
	Deprecated  bool
	// Parameters are the path's and the operation's, the operation's winning on the same name and
	// location; path parameters first, then query, header, cookie.
	Parameters  []Parameter
	RequestBody *RequestBody
	Responses   []Response
	// Security lists the accepted ways of authenticating, each "scheme" or "scheme (scope, ...)";
	// several schemes needed together are joined with " + ". Empty means no authentication.
	Security []string
}

// Parameter is a path, query, header or cookie parameter, or a response header.
type Parameter struct {
	Name        string
	In          string
	Description string
	Required    bool
	Deprecated  bool
	Schema      *Schema
	Example     string
}

// RequestBody is what an operation accepts.
type RequestBody struct {
	Description string
	Required    bool
	Content     []MediaType
}

// Response is what an operation answers with one status code ("200", "4XX", "default").
type Response struct {
	Status      string
	Description string
	Headers     []Parameter
	Content     []MediaType
}

// MediaType is a body in one content type.
type MediaType struct {
	Name   string // e.g. "application/json"
	Schema *Schema
	// Example is the media type's example as indented JSON, or the first of its named examples.
	Example string
}

// SecurityScheme is a declared way of authenticating.
type SecurityScheme struct {
	Name        string
	Type        string // apiKey, http, oauth2, openIdConnect, mutualTLS, ...
	Description string
	// In and ParamName say where an API key goes: "header" and "apikey".
	In        string
	ParamName string
	// Scheme and BearerFormat describe HTTP authentication ("bearer", "JWT").
	Scheme       string
	BearerFormat string
}

// Channel is an AsyncAPI channel.
type Channel struct {
	Anchor      string
	Name        string
	Address     string
	Title       string
	Summary     string
	Description string
	Parameters  []Parameter
	Operations  []ChannelOperation
	// Messages are the messages the channel declares (AsyncAPI 3); in AsyncAPI 2 they hang on the
	// operations.
	Messages []Message
}

// ChannelOperation is an action on a channel: publish or subscribe (AsyncAPI 2), send or receive
// (AsyncAPI 3).
type ChannelOperation struct {
	Anchor      string
	Action      string
	OperationID string
	Summary     string
	Description string
	Deprecated  bool
	Messages    []Message
}

// Message is an AsyncAPI message.
type Message struct {
	Name        string
	Title       string
	Summary     string
	Description string
	ContentType string
	Headers     *Schema
	Payload     *Schema
	Example     string
}

// Reference builds the view model of the document. It never fails: what the checks let through is
// shown as well as it can be, and schema trees are bounded in depth and size.
func (d *Document) Reference() Reference {
	ref := Reference{
		Kind:        d.Kind,
		SpecVersion: d.SpecVersion,
		Title:       d.Title,
		Version:     d.Version,
		Description: d.Description,
	}
	v := &viewer{r: newResolver(d.root), anchors: make(map[string]int), items: maxViewItems}
	v.b = newBuilder(v.r)
	ref.Servers = servers(d.root)
	ref.SecuritySchemes = v.securitySchemes(d.root)
	if d.Kind == KindOpenAPI {
		ref.Groups = v.groups(d.root)
	} else {
		ref.Channels = v.channels(d.root, strings.HasPrefix(d.SpecVersion, "2."))
	}
	ref.Truncated = v.items <= 0 || v.b.total <= 0
	return ref
}

// viewer carries what building one Reference shares: the resolver, the schema budget and the
// anchors given so far.
type viewer struct {
	r       *resolver
	b       *builder
	anchors map[string]int
	items   int // what remains of the budget of operations, parameters, responses ...
}

// maxViewItems bounds the items of one Reference. A document's own size bounds them already,
// except where YAML aliases repeat a large part many times.
const maxViewItems = 50_000

// spend takes one item from the budget, reporting false when none is left.
func (v *viewer) spend() bool {
	if v.items <= 0 {
		return false
	}
	v.items--
	return true
}

// anchor returns an HTML id made of prefix and the words of text, unique within the Reference.
func (v *viewer) anchor(prefix, text string) string {
	var b strings.Builder
	b.WriteString(prefix)
	dash := true
	for _, c := range strings.ToLower(text) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' {
			if dash && b.Len() > len(prefix) {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
		if b.Len() > 80 {
			break
		}
	}
	id := b.String()
	v.anchors[id]++
	if n := v.anchors[id]; n > 1 {
		id += "-" + strconv.Itoa(n)
		v.anchors[id]++
	}
	return id
}

// follow resolves a $ref object (a parameter, response, request body, message ...) to its target,
// through chains of references; it returns n itself when n is no reference, nil when the chain
// breaks or leaves the document.
func (v *viewer) follow(n *yaml.Node) *yaml.Node {
	n = deref(n)
	for hops := 0; hops < maxRefHops; hops++ {
		ref := str(n, "$ref")
		if ref == "" {
			return n
		}
		if !isLocalRef(ref) {
			return nil
		}
		n = deref(v.r.resolve(ref))
	}
	return nil
}

func servers(root *yaml.Node) []Server {
	var out []Server
	list := lookup(root, "servers")
	if list != nil && list.Kind == yaml.SequenceNode {
		for _, s := range list.Content {
			if url := str(s, "url"); url != "" {
				out = append(out, Server{URL: url, Description: str(s, "description")})
			}
		}
		return out
	}
	// AsyncAPI: servers is an object of named servers with url (2.x) or host and pathname (3.0).
	eachPair(list, func(_, s *yaml.Node) bool {
		url := str(s, "url")
		if url == "" {
			url = str(s, "host") + str(s, "pathname")
		}
		if url != "" {
			out = append(out, Server{URL: url, Description: str(s, "description"), Protocol: str(s, "protocol")})
		}
		return true
	})
	return out
}

func (v *viewer) securitySchemes(root *yaml.Node) []SecurityScheme {
	var out []SecurityScheme
	eachPair(lookup(lookup(root, "components"), "securitySchemes"), func(key, s *yaml.Node) bool {
		s = v.follow(s)
		if s == nil {
			return true
		}
		out = append(out, SecurityScheme{
			Name:         key.Value,
			Type:         str(s, "type"),
			Description:  str(s, "description"),
			In:           str(s, "in"),
			ParamName:    str(s, "name"),
			Scheme:       str(s, "scheme"),
			BearerFormat: str(s, "bearerFormat"),
		})
		return true
	})
	return out
}

// maxSecurityAlternatives bounds the security requirements shown for one operation.
const maxSecurityAlternatives = 32

// security phrases a list of security requirements.
func security(list *yaml.Node) []string {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for i, req := range list.Content {
		if i == maxSecurityAlternatives {
			break
		}
		var parts []string
		eachPair(req, func(name, scopes *yaml.Node) bool {
			part := name.Value
			if scopes != nil && scopes.Kind == yaml.SequenceNode && len(scopes.Content) > 0 {
				names := make([]string, 0, len(scopes.Content))
				for _, s := range scopes.Content {
					names = append(names, deref(s).Value)
				}
				part += " (" + strings.Join(names, ", ") + ")"
			}
			parts = append(parts, part)
			return true
		})
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, " + "))
		}
	}
	return out
}

func (v *viewer) groups(root *yaml.Node) []TagGroup {
	var groups []TagGroup
	index := make(map[string]int)
	addGroup := func(name, description string) int {
		if i, ok := index[name]; ok {
			return i
		}
		index[name] = len(groups)
		groups = append(groups, TagGroup{Name: name, Description: description})
		return len(groups) - 1
	}
	if tags := lookup(root, "tags"); tags != nil && tags.Kind == yaml.SequenceNode {
		for _, t := range tags.Content {
			if name := str(t, "name"); name != "" {
				addGroup(name, str(t, "description"))
			}
		}
	}
	declared := len(groups)

	defaultSecurity := security(lookup(root, "security"))
	var untagged []Operation
	eachPair(lookup(root, "paths"), func(pathKey, item *yaml.Node) bool {
		if strings.HasPrefix(pathKey.Value, "x-") {
			return true
		}
		item = v.follow(item)
		shared := lookup(item, "parameters")
		eachPair(item, func(method, opNode *yaml.Node) bool {
			if !isHTTPMethod(method.Value) || !isMapping(opNode) {
				return true
			}
			if !v.spend() {
				return false
			}
			op := v.operation(pathKey.Value, method.Value, opNode, shared, defaultSecurity)
			tags := lookup(opNode, "tags")
			tagged := false
			if tags != nil && tags.Kind == yaml.SequenceNode {
				for _, t := range tags.Content {
					if t = deref(t); t.Kind == yaml.ScalarNode && t.Value != "" {
						if !v.spend() {
							break
						}
						i := addGroup(t.Value, "")
						groups[i].Operations = append(groups[i].Operations, op)
						tagged = true
					}
				}
			}
			if !tagged {
				untagged = append(untagged, op)
			}
			return true
		})
		return true
	})

	// Declared tags without operations are left out; tags met only on operations keep the order
	// they were met in.
	out := make([]TagGroup, 0, len(groups)+1)
	for i, g := range groups {
		if len(g.Operations) == 0 && i < declared {
			continue
		}
		out = append(out, g)
	}
	if len(untagged) > 0 {
		out = append(out, TagGroup{Operations: untagged})
	}
	for i := range out {
		name := out[i].Name
		if name == "" {
			name = "other"
		}
		out[i].Anchor = v.anchor("tag-", name)
		for j := range out[i].Operations {
			op := &out[i].Operations[j]
			if op.OperationID != "" {
				op.Anchor = v.anchor("op-", op.OperationID)
			} else {
				op.Anchor = v.anchor("op-", op.Method+" "+op.Path)
			}
		}
	}
	return out
}

func (v *viewer) operation(path, method string, n, shared *yaml.Node, defaultSecurity []string) Operation {
	op := Operation{
		Method:      strings.ToUpper(method),
		Path:        path,
		Summary:     str(n, "summary"),
		Description: str(n, "description"),
		OperationID: str(n, "operationId"),
		Deprecated:  boolean(n, "deprecated"),
		Security:    defaultSecurity,
	}
	if s := lookup(n, "security"); s != nil {
		op.Security = security(s)
	}
	op.Parameters = v.parameters(shared, lookup(n, "parameters"))
	if body := v.follow(lookup(n, "requestBody")); body != nil {
		op.RequestBody = &RequestBody{
			Description: str(body, "description"),
			Required:    boolean(body, "required"),
			Content:     v.content(lookup(body, "content")),
		}
	}
	eachPair(lookup(n, "responses"), func(code, resp *yaml.Node) bool {
		if strings.HasPrefix(code.Value, "x-") {
			return true
		}
		if !v.spend() {
			return false
		}
		resp = v.follow(resp)
		r := Response{Status: code.Value, Description: str(resp, "description")}
		eachPair(lookup(resp, "headers"), func(name, h *yaml.Node) bool {
			if !v.spend() {
				return false
			}
			if h = v.follow(h); h != nil {
				p := v.parameter(h)
				p.Name, p.In = name.Value, "header"
				r.Headers = append(r.Headers, p)
			}
			return true
		})
		r.Content = v.content(lookup(resp, "content"))
		op.Responses = append(op.Responses, r)
		return true
	})
	return op
}

var parameterOrder = map[string]int{"path": 0, "query": 1, "header": 2, "cookie": 3}

// parameters merges path-level and operation-level parameters.
func (v *viewer) parameters(shared, own *yaml.Node) []Parameter {
	var out []Parameter
	add := func(list *yaml.Node) {
		if list == nil || list.Kind != yaml.SequenceNode {
			return
		}
		for _, item := range list.Content {
			n := v.follow(item)
			if n == nil {
				continue
			}
			if !v.spend() {
				return
			}
			p := v.parameter(n)
			replaced := false
			for i := range out {
				if out[i].Name == p.Name && out[i].In == p.In {
					out[i] = p
					replaced = true
				}
			}
			if !replaced {
				out = append(out, p)
			}
		}
	}
	add(shared)
	add(own)
	sort.SliceStable(out, func(i, j int) bool { return parameterOrder[out[i].In] < parameterOrder[out[j].In] })
	return out
}

func (v *viewer) parameter(n *yaml.Node) Parameter {
	p := Parameter{
		Name:        str(n, "name"),
		In:          str(n, "in"),
		Description: str(n, "description"),
		Required:    boolean(n, "required") || str(n, "in") == "path",
		Deprecated:  boolean(n, "deprecated"),
	}
	if s := lookup(n, "schema"); s != nil {
		p.Schema = v.b.tree(s)
	} else if content := v.content(lookup(n, "content")); len(content) > 0 {
		p.Schema = content[0].Schema
	}
	if ex := lookup(n, "example"); ex != nil {
		p.Example = scalarText(ex)
	}
	return p
}

// content reads a content object: media types in document order.
func (v *viewer) content(n *yaml.Node) []MediaType {
	var out []MediaType
	eachPair(n, func(name, media *yaml.Node) bool {
		if !v.spend() {
			return false
		}
		m := MediaType{Name: name.Value}
		if s := lookup(media, "schema"); s != nil {
			m.Schema = v.b.tree(s)
		}
		m.Example = v.example(media)
		out = append(out, m)
		return true
	})
	return out
}

// example returns the `example` of n, or the value of the first of its `examples`, as JSON.
func (v *viewer) example(n *yaml.Node) string {
	if ex := lookup(n, "example"); ex != nil {
		return exampleJSON(ex, true)
	}
	examples := lookup(n, "examples")
	if examples == nil {
		return ""
	}
	if examples.Kind == yaml.SequenceNode && len(examples.Content) > 0 {
		// AsyncAPI messages and JSON Schema list examples; AsyncAPI 2.3+ wraps each in {payload}.
		first := v.follow(examples.Content[0])
		if payload := lookup(first, "payload"); payload != nil {
			return exampleJSON(payload, true)
		}
		return exampleJSON(first, true)
	}
	var out string
	eachPair(examples, func(_, ex *yaml.Node) bool {
		if ex = v.follow(ex); ex != nil {
			if value := lookup(ex, "value"); value != nil {
				out = exampleJSON(value, true)
			}
		}
		return false
	})
	return out
}

func (v *viewer) channels(root *yaml.Node, v2 bool) []Channel {
	var out []Channel
	byNode := make(map[*yaml.Node]int)
	eachPair(lookup(root, "channels"), func(key, ch *yaml.Node) bool {
		if strings.HasPrefix(key.Value, "x-") {
			return true
		}
		ch = v.follow(ch)
		if ch == nil {
			return true
		}
		if !v.spend() {
			return false
		}
		c := Channel{
			Anchor:      v.anchor("channel-", key.Value),
			Name:        key.Value,
			Address:     key.Value,
			Title:       str(ch, "title"),
			Summary:     str(ch, "summary"),
			Description: str(ch, "description"),
		}
		if !v2 {
			c.Address = str(ch, "address")
		}
		eachPair(lookup(ch, "parameters"), func(name, p *yaml.Node) bool {
			if p = v.follow(p); p != nil && v.spend() {
				param := v.parameter(p)
				param.Name, param.In, param.Required = name.Value, "channel", true
				if param.Schema == nil && !v2 {
					// AsyncAPI 3 parameters are strings, described by enum and default alone.
					param.Schema = &Schema{Type: "string", Enum: scalarList(lookup(p, "enum")), Default: str(p, "default")}
				}
				c.Parameters = append(c.Parameters, param)
			}
			return true
		})
		if v2 {
			for _, action := range []string{"publish", "subscribe"} {
				if op := v.follow(lookup(ch, action)); op != nil {
					c.Operations = append(c.Operations, v.channelOperation(str(op, "operationId"), action, op, v.v2Messages(lookup(op, "message"))))
				}
			}
		} else {
			eachPair(lookup(ch, "messages"), func(name, m *yaml.Node) bool {
				if m = v.follow(m); m != nil && v.spend() {
					c.Messages = append(c.Messages, v.message(name.Value, m))
				}
				return true
			})
		}
		byNode[ch] = len(out)
		out = append(out, c)
		return true
	})
	if v2 {
		return out
	}
	// AsyncAPI 3: operations live apart and point at their channel and its messages.
	eachPair(lookup(root, "operations"), func(key, op *yaml.Node) bool {
		op = v.follow(op)
		ch := v.follow(lookup(op, "channel"))
		if !v.spend() {
			return false
		}
		i, ok := byNode[ch]
		if !ok {
			return true
		}
		var messages []Message
		if list := lookup(op, "messages"); list != nil && list.Kind == yaml.SequenceNode {
			for _, item := range list.Content {
				if m := v.follow(item); m != nil && v.spend() {
					messages = append(messages, v.message(refName(str(item, "$ref")), m))
				}
			}
		} else {
			messages = out[i].Messages
		}
		out[i].Operations = append(out[i].Operations, v.channelOperation(key.Value, str(op, "action"), op, messages))
		return true
	})
	return out
}

// channelOperation builds an AsyncAPI operation; id is its operationId (AsyncAPI 2) or its key in
// `operations` (AsyncAPI 3).
func (v *viewer) channelOperation(id, action string, op *yaml.Node, messages []Message) ChannelOperation {
	return ChannelOperation{
		Anchor:      v.anchor("op-", firstNonEmpty(id, action)),
		Action:      action,
		OperationID: id,
		Summary:     str(op, "summary"),
		Description: str(op, "description"),
		Deprecated:  boolean(op, "deprecated"),
		Messages:    messages,
	}
}

// v2Messages reads an AsyncAPI 2 operation's message: one message, or {oneOf: [messages]}.
func (v *viewer) v2Messages(n *yaml.Node) []Message {
	name := refName(str(n, "$ref"))
	n = v.follow(n)
	if n == nil {
		return nil
	}
	if list := lookup(n, "oneOf"); list != nil && list.Kind == yaml.SequenceNode {
		var out []Message
		for _, item := range list.Content {
			if m := v.follow(item); m != nil && v.spend() {
				out = append(out, v.message(refName(str(item, "$ref")), m))
			}
		}
		return out
	}
	return []Message{v.message(name, n)}
}

func (v *viewer) message(name string, n *yaml.Node) Message {
	if own := str(n, "name"); own != "" {
		name = own
	}
	m := Message{
		Name:        name,
		Title:       str(n, "title"),
		Summary:     str(n, "summary"),
		Description: str(n, "description"),
		ContentType: str(n, "contentType"),
	}
	if h := lookup(n, "headers"); h != nil {
		m.Headers = v.b.tree(h)
	}
	if p := lookup(n, "payload"); p != nil {
		// AsyncAPI 3 may wrap the payload in a multi-format schema: {schemaFormat, schema}.
		if inner := lookup(p, "schema"); inner != nil && lookup(p, "schemaFormat") != nil {
			p = inner
		}
		m.Payload = v.b.tree(p)
	}
	m.Example = v.example(n)
	return m
}

func firstNonEmpty(values ...string) string {
	for _, s := range values {
		if s != "" {
			return s
		}
	}
	return ""
}
