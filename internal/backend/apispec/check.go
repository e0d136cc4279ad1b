package apispec

import (
	"fmt"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

var (
	openAPIVersion  = regexp.MustCompile(`^3\.[01](\.\d+)?(-[0-9A-Za-z.-]+)?$`)
	asyncAPIVersion = regexp.MustCompile(`^(2\.[0-6]|3\.0)(\.\d+)?(-[0-9A-Za-z.-]+)?$`)
)

// httpMethods are the keys of an OpenAPI path item that hold operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func isHTTPMethod(key string) bool {
	for _, m := range httpMethods {
		if key == m {
			return true
		}
	}
	return false
}

// check fills the document's header fields and refuses what the website could not render.
func (d *Document) check() error {
	root := d.root
	top := &path{}
	openapi := lookup(root, "openapi")
	asyncapiKey, asyncapi := lookupKey(root, "asyncapi")
	switch {
	case openapi != nil && asyncapi != nil:
		return errorAt(asyncapiKey, top, "the document has both `openapi` and `asyncapi` fields: keep the one that says what it describes")
	case openapi != nil:
		d.Kind = KindOpenAPI
		if openapi.Kind != yaml.ScalarNode || !openAPIVersion.MatchString(openapi.Value) {
			return errorAt(openapi, top.child("openapi"), fmt.Sprintf(
				"OpenAPI version %s is not supported: use 3.0.x or 3.1.x, quoted, for example \"3.0.3\"", describeNode(openapi)))
		}
		d.SpecVersion = openapi.Value
	case asyncapi != nil:
		d.Kind = KindAsyncAPI
		if asyncapi.Kind != yaml.ScalarNode || !asyncAPIVersion.MatchString(asyncapi.Value) {
			return errorAt(asyncapi, top.child("asyncapi"), fmt.Sprintf(
				"AsyncAPI version %s is not supported: use 2.0.0 to 2.6.0 or 3.0.0, quoted, for example \"2.6.0\"", describeNode(asyncapi)))
		}
		d.SpecVersion = asyncapi.Value
	default:
		if swaggerKey, _ := lookupKey(root, "swagger"); swaggerKey != nil {
			return errorAt(swaggerKey, top.child("swagger"),
				"Swagger 2.0 documents are not supported: convert the document to OpenAPI 3 and upload it again")
		}
		return errorAt(root, top,
			"the document has neither an `openapi` nor an `asyncapi` field: add `openapi: \"3.0.3\"` or `asyncapi: \"2.6.0\"` at the top")
	}

	if err := d.checkInfo(top); err != nil {
		return err
	}
	var err error
	if d.Kind == KindOpenAPI {
		err = d.checkOpenAPI(top)
	} else {
		err = d.checkAsyncAPI(top)
	}
	if err != nil {
		return err
	}
	return checkRefs(root, newResolver(root))
}

func (d *Document) checkInfo(top *path) error {
	infoKey, info := lookupKey(d.root, "info")
	if info == nil {
		return errorAt(d.root, top, "the document has no `info` object: add one with a `title` and a `version`")
	}
	at := top.child("info")
	if info.Kind != yaml.MappingNode {
		return errorAt(info, at, "`info` must be an object with a `title` and a `version`, not "+describeNode(info))
	}
	title := lookup(info, "title")
	if title == nil || title.Kind != yaml.ScalarNode || strings.TrimSpace(title.Value) == "" || title.Tag == "!!null" {
		return errorAt(nodeOr(title, infoKey), at.child("title"), "`info.title` is missing or empty: give the API a title")
	}
	version := lookup(info, "version")
	if version == nil || version.Kind != yaml.ScalarNode || strings.TrimSpace(version.Value) == "" || version.Tag == "!!null" {
		return errorAt(nodeOr(version, infoKey), at.child("version"), "`info.version` is missing or empty: give the version of the API, for example \"1.0.0\"")
	}
	d.Title = strings.TrimSpace(title.Value)
	d.Version = strings.TrimSpace(version.Value)
	d.Description = str(info, "description")
	return nil
}

func nodeOr(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}

func (d *Document) checkOpenAPI(top *path) error {
	v30 := strings.HasPrefix(d.SpecVersion, "3.0")
	if err := checkServers(d.root, top); err != nil {
		return err
	}
	paths := lookup(d.root, "paths")
	if paths == nil {
		if v30 {
			return errorAt(d.root, top, "the document has no `paths` object: OpenAPI 3.0 requires one; add `paths: {}` if the API has no operations yet")
		}
		return nil
	}
	at := top.child("paths")
	if paths.Kind != yaml.MappingNode {
		return errorAt(paths, at, "`paths` must be an object of paths such as `/pets`, not "+describeNode(paths))
	}
	var err error
	eachPair(paths, func(key, item *yaml.Node) bool {
		err = checkPathItem(key, item, at.child(key.Value), v30)
		return err == nil
	})
	return err
}

func checkServers(n *yaml.Node, at *path) error {
	servers := lookup(n, "servers")
	if servers == nil {
		return nil
	}
	at = at.child("servers")
	if servers.Kind != yaml.SequenceNode {
		return errorAt(servers, at, "`servers` must be a list of objects with a `url`, not "+describeNode(servers))
	}
	for i, s := range servers.Content {
		s = deref(s)
		if s.Kind != yaml.MappingNode || str(s, "url") == "" {
			return errorAt(s, at.index(i), "each server must be an object with a `url`")
		}
	}
	return nil
}

func checkPathItem(key, item *yaml.Node, at *path, v30 bool) error {
	if strings.HasPrefix(key.Value, "x-") {
		return nil
	}
	if !strings.HasPrefix(key.Value, "/") {
		return errorAt(key, at, fmt.Sprintf("the path %q must start with a slash, for example \"/%s\"", key.Value, key.Value))
	}
	if item.Kind != yaml.MappingNode {
		return errorAt(item, at, "a path must be an object of operations (get, post, ...), not "+describeNode(item))
	}
	if err := checkParameters(item, at); err != nil {
		return err
	}
	var err error
	eachPair(item, func(k, op *yaml.Node) bool {
		if !isHTTPMethod(k.Value) {
			return true
		}
		err = checkOperation(k, op, at.child(k.Value), v30)
		return err == nil
	})
	return err
}

func checkOperation(key, op *yaml.Node, at *path, v30 bool) error {
	if op.Kind != yaml.MappingNode {
		return errorAt(op, at, fmt.Sprintf("the %s operation must be an object with its responses, not %s", strings.ToUpper(key.Value), describeNode(op)))
	}
	if err := checkParameters(op, at); err != nil {
		return err
	}
	if body := lookup(op, "requestBody"); body != nil && body.Kind != yaml.MappingNode {
		return errorAt(body, at.child("requestBody"), "`requestBody` must be an object with `content`, not "+describeNode(body))
	}
	responsesKey, responses := lookupKey(op, "responses")
	if responses == nil {
		if v30 {
			return errorAt(key, at, "the operation has no `responses`: list at least one, for example `\"200\": {description: OK}`")
		}
		return nil
	}
	rat := at.child("responses")
	if responses.Kind != yaml.MappingNode {
		return errorAt(responses, rat, "`responses` must be an object keyed by status code, not "+describeNode(responses))
	}
	if len(responses.Content) == 0 && v30 {
		return errorAt(nodeOr(responses, responsesKey), rat, "`responses` is empty: list at least one, for example `\"200\": {description: OK}`")
	}
	var err error
	eachPair(responses, func(code, resp *yaml.Node) bool {
		if strings.HasPrefix(code.Value, "x-") {
			return true
		}
		if resp.Kind != yaml.MappingNode {
			err = errorAt(resp, rat.child(code.Value), fmt.Sprintf("the response %s must be an object with a `description`, not %s", code.Value, describeNode(resp)))
		}
		return err == nil
	})
	return err
}

func checkParameters(n *yaml.Node, at *path) error {
	params := lookup(n, "parameters")
	if params == nil {
		return nil
	}
	at = at.child("parameters")
	if params.Kind != yaml.SequenceNode {
		return errorAt(params, at, "`parameters` must be a list of parameter objects, not "+describeNode(params))
	}
	for i, p := range params.Content {
		p = deref(p)
		pat := at.index(i)
		if p.Kind != yaml.MappingNode {
			return errorAt(p, pat, "each parameter must be an object with `name` and `in`, not "+describeNode(p))
		}
		if lookup(p, "$ref") != nil {
			continue
		}
		if str(p, "name") == "" {
			return errorAt(p, pat, "the parameter has no `name`: give it one")
		}
		switch in := str(p, "in"); in {
		case "path", "query", "header", "cookie":
		case "":
			return errorAt(p, pat, fmt.Sprintf("the parameter %q has no `in`: say where it goes (path, query, header or cookie)", str(p, "name")))
		default:
			return errorAt(lookup(p, "in"), pat.child("in"), fmt.Sprintf("the parameter %q is `in: %s`: use path, query, header or cookie", str(p, "name"), in))
		}
	}
	return nil
}

func (d *Document) checkAsyncAPI(top *path) error {
	v2 := strings.HasPrefix(d.SpecVersion, "2.")
	channels := lookup(d.root, "channels")
	at := top.child("channels")
	if channels == nil {
		if v2 {
			return errorAt(d.root, top, "the document has no `channels` object: AsyncAPI 2 requires one; add `channels: {}` if there are none yet")
		}
	} else if channels.Kind != yaml.MappingNode {
		return errorAt(channels, at, "`channels` must be an object of channels, not "+describeNode(channels))
	}
	var err error
	eachPair(channels, func(key, ch *yaml.Node) bool {
		if strings.HasPrefix(key.Value, "x-") {
			return true
		}
		cat := at.child(key.Value)
		if ch.Kind != yaml.MappingNode {
			err = errorAt(ch, cat, "a channel must be an object, not "+describeNode(ch))
			return false
		}
		if v2 {
			for _, action := range []string{"publish", "subscribe"} {
				if op := lookup(ch, action); op != nil && op.Kind != yaml.MappingNode {
					err = errorAt(op, cat.child(action), fmt.Sprintf("the %s operation must be an object with its message, not %s", action, describeNode(op)))
					return false
				}
			}
		}
		return true
	})
	if err != nil || v2 {
		return err
	}
	operations := lookup(d.root, "operations")
	if operations == nil {
		return nil
	}
	oat := top.child("operations")
	if operations.Kind != yaml.MappingNode {
		return errorAt(operations, oat, "`operations` must be an object of operations, not "+describeNode(operations))
	}
	eachPair(operations, func(key, op *yaml.Node) bool {
		at := oat.child(key.Value)
		if op.Kind != yaml.MappingNode {
			err = errorAt(op, at, "an operation must be an object with `action` and `channel`, not "+describeNode(op))
			return false
		}
		if lookup(op, "$ref") != nil {
			return true
		}
		switch action := str(op, "action"); action {
		case "send", "receive":
		default:
			err = errorAt(nodeOr(lookup(op, "action"), key), at.child("action"), "the operation's `action` must be send or receive")
			return false
		}
		if !isMapping(lookup(op, "channel")) {
			err = errorAt(key, at.child("channel"), "the operation has no `channel`: reference one, for example `channel: {$ref: '#/channels/userSignedUp'}`")
			return false
		}
		return true
	})
	return err
}

// checkRefs refuses a local $ref that names nothing in the document. Aliases are not followed: their
// targets are in the tree already.
func checkRefs(root *yaml.Node, r *resolver) error {
	type frame struct {
		node *yaml.Node
		at   *path
	}
	stack := []frame{{root, &path{}}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.node
		switch n.Kind {
		case yaml.MappingNode:
			for i := len(n.Content) - 2; i >= 0; i -= 2 {
				key, value := n.Content[i], n.Content[i+1]
				if key.Value == "$ref" && value.Kind == yaml.ScalarNode {
					if isLocalRef(value.Value) && r.resolve(value.Value) == nil {
						return errorAt(value, f.at.child("$ref"), fmt.Sprintf(
							"$ref %q points to nothing in this document: define %s or correct the reference",
							value.Value, dottedPath(strings.TrimPrefix(value.Value, "#"))))
					}
					continue
				}
				if value.Kind == yaml.MappingNode || value.Kind == yaml.SequenceNode {
					stack = append(stack, frame{value, f.at.child(key.Value)})
				}
			}
		case yaml.SequenceNode:
			for i := len(n.Content) - 1; i >= 0; i-- {
				if c := n.Content[i]; c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
					stack = append(stack, frame{c, f.at.index(i)})
				}
			}
		}
	}
	return nil
}
