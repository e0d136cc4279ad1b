package apispec

import (
	"errors"
	"strings"
	"testing"
)

const minimalOpenAPI = `{"openapi":"3.0.3","info":{"title":"Example API","version":"1.0.0"},"paths":{"/example":{"get":{"summary":"Example endpoint","responses":{"200":{"description":"Successful response"}}}}}}`

const minimalAsyncAPI = `{"asyncapi":"2.6.0","info":{"title":"Account Service","version":"1.0.0","description":"This service is in charge of processing user signups"},"channels":{"user/signedup":{"publish":{"summary":"Inform about signed up users","operationId":"sendUserSignedUp","message":{"name":"UserSignedUp","payload":{"type":"object","properties":{"displayName":{"type":"string","description":"Name of the user"},"email":{"type":"string","format":"email","description":"Email of the user"}}}}}}}}`

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name        string
		content     string
		kind        Kind
		specVersion string
		title       string
		version     string
		description string
	}{
		{"openapi json", minimalOpenAPI, KindOpenAPI, "3.0.3", "Example API", "1.0.0", ""},
		{"asyncapi json", minimalAsyncAPI, KindAsyncAPI, "2.6.0", "Account Service", "1.0.0", "This service is in charge of processing user signups"},
		{"openapi yaml with unquoted numeric version", `
openapi: 3.1.0
info:
  title: Pets
  version: 1.0
  description: |
    All the pets.
paths: {}
`, KindOpenAPI, "3.1.0", "Pets", "1.0", "All the pets.\n"},
		{"openapi 3.1 without paths", "openapi: 3.1.0\ninfo: {title: Hooks, version: '2'}\nwebhooks: {}\n", KindOpenAPI, "3.1.0", "Hooks", "2", ""},
		{"yaml flow style starting with a brace", "{openapi: 3.0.3, info: {title: Flow, version: v1}, paths: {}}", KindOpenAPI, "3.0.3", "Flow", "v1", ""},
		{"json with a byte order mark", "\xef\xbb\xbf" + minimalOpenAPI, KindOpenAPI, "3.0.3", "Example API", "1.0.0", ""},
		{"json escapes", `{"openapi":"3.0.3","info":{"title":"Caf\u00e9 \"API\"\n","version":"1"},"paths":{}}`, KindOpenAPI, "3.0.3", "Café \"API\"", "1", ""},
		{"json with tabs", "{\n\t\"openapi\": \"3.0.0\",\n\t\"info\": {\"title\": \"T\", \"version\": \"1\"},\n\t\"paths\": {}\n}", KindOpenAPI, "3.0.0", "T", "1", ""},
		{"asyncapi 3", `
asyncapi: 3.0.0
info: {title: Lights, version: 1.0.0}
channels:
  lightMeasured:
    address: light/measured
    messages:
      measured: {payload: {type: object}}
operations:
  onMeasured:
    action: receive
    channel: {$ref: '#/channels/lightMeasured'}
`, KindAsyncAPI, "3.0.0", "Lights", "1.0.0", ""},
		{"yaml anchors", `
openapi: 3.0.3
info: {title: A, version: "1"}
paths:
  /a:
    get: &op
      responses: {"200": {description: ok}}
  /b:
    get: *op
`, KindOpenAPI, "3.0.3", "A", "1", ""},
		{"escaped local ref", `
openapi: 3.0.3
info: {title: A, version: "1"}
paths:
  /a/{id}:
    get:
      responses: {"200": {description: ok}}
  /b:
    get:
      responses:
        "200": {$ref: "#/paths/~1a~1%7Bid%7D/get/responses/200"}
`, KindOpenAPI, "3.0.3", "A", "1", ""},
		{"external ref is left alone", `
openapi: 3.0.3
info: {title: A, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {$ref: "common.yaml#/responses/ok"}}
`, KindOpenAPI, "3.0.3", "A", "1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.content))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Kind != tt.kind || doc.SpecVersion != tt.specVersion || doc.Title != tt.title ||
				doc.Version != tt.version || doc.Description != tt.description {
				t.Errorf("got kind %q spec %q title %q version %q description %q", doc.Kind, doc.SpecVersion, doc.Title, doc.Version, doc.Description)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name    string
		content string
		line    int
		pointer string
		message string // a part of the message
	}{
		{"empty", "  \n", 0, "", "the document is empty"},
		{"not json", `{"openapi": "3.0.3",`, 1, "", "invalid JSON"},
		{"bad json later", "{\n\"openapi\": \"3.0.3\",\n\"info\": {\"title\" \"x\"}\n}", 3, "", "invalid JSON"},
		{"json trailing comma", "{\n  \"openapi\": \"3.0.3\",\n}", 3, "", "expected a quoted key"},
		{"json missing colon", `{"openapi" "3.0.3"}`, 1, "", "expected ':' after the key \"openapi\""},
		{"json missing comma", "{\"a\": 1\n \"b\": 2}", 2, "", "expected ',' or '}' after the value of \"a\""},
		{"json list missing comma", `{"a": [1 2]}`, 1, "", "expected ',' or ']'"},
		{"json leading zero", `{"a": 01}`, 1, "", "cannot start with 0"},
		{"json bad literal", `{"a": tru}`, 1, "", "unexpected 't'"},
		{"json raw tab in string", "{\"a\": \"x\ty\"}", 1, "", "control character 0x09"},
		{"json unclosed string", "{\"a\": \"xy}", 1, "", "not closed"},
		{"json bad escape", `{"a": "\x"}`, 1, "", "invalid escape"},
		{"json text after", `{"a": 1} x`, 1, "", "text after the end"},
		{"bad yaml", "openapi: 3.0.3\ninfo:\n  title: x\n   version: 1\n", 4, "", "invalid YAML"},
		{"a list", "- a\n- b\n", 1, "", "must be an object"},
		{"scalar", "hello", 1, "", "must be an object"},
		{"no kind", "info: {title: a, version: b}\n", 1, "", "neither an `openapi` nor an `asyncapi`"},
		{"swagger", "swagger: '2.0'\ninfo: {title: a, version: b}\n", 1, "/swagger", "Swagger 2.0"},
		{"both kinds", "openapi: 3.0.0\nasyncapi: 2.6.0\n", 2, "", "both"},
		{"openapi 2", "openapi: 2.0.0\ninfo: {title: a, version: b}\n", 1, "/openapi", "use 3.0.x or 3.1.x"},
		{"openapi 4", "openapi: 4.0.0\n", 1, "/openapi", "not supported"},
		{"asyncapi 1", "asyncapi: 1.2.0\n", 1, "/asyncapi", "use 2.0.0 to 2.6.0 or 3.0.0"},
		{"no info", "openapi: 3.0.3\npaths: {}\n", 1, "", "no `info`"},
		{"info not object", "openapi: 3.0.3\ninfo: hello\n", 2, "/info", "must be an object"},
		{"no title", "openapi: 3.0.3\ninfo:\n  version: 1.0.0\npaths: {}\n", 2, "/info/title", "info.title"},
		{"empty title", "openapi: 3.0.3\ninfo:\n  title: ''\n  version: 1.0.0\npaths: {}\n", 3, "/info/title", "info.title"},
		{"no version", "openapi: 3.0.3\ninfo:\n  title: x\npaths: {}\n", 2, "/info/version", "info.version"},
		{"no paths in 3.0", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\n", 1, "", "no `paths`"},
		{"paths not object", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: [1]\n", 3, "/paths", "`paths` must be an object"},
		{"path without slash", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  pets: {}\n", 4, "/paths/pets", "must start with a slash"},
		{"path item not object", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /pets: 3\n", 4, "/paths/~1pets", "must be an object of operations"},
		{"operation not object", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    get: list them
`, 5, "/paths/~1pets/get", "GET operation must be an object"},
		{"no responses", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    get:
      summary: list
`, 5, "/paths/~1pets/get", "no `responses`"},
		{"empty responses", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    post:
      responses: {}
`, 6, "/paths/~1pets/post/responses", "`responses` is empty"},
		{"response not object", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    get:
      responses:
        "200": ok
`, 7, "/paths/~1pets/get/responses/200", "response 200 must be an object"},
		{"parameter without in", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    get:
      parameters:
        - name: limit
      responses: {"200": {description: ok}}
`, 7, "/paths/~1pets/get/parameters/0", "has no `in`"},
		{"missing component", `openapi: 3.0.3
info: {title: x, version: '1'}
paths:
  /pets:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
`, 12, "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref", "components.schemas.Pet"},
		{"missing component in json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"x\", \"version\": \"1\"},\n  \"paths\": {\n    \"/a\": {\"get\": {\"responses\": {\"200\": {\"$ref\": \"#/components/responses/Ok\"}}}}\n  }\n}",
			5, "/paths/~1a/get/responses/200/$ref", "components.responses.Ok"},
		{"duplicate key in json", "{\"openapi\": \"3.0.3\",\n\"openapi\": \"3.1.0\"}", 2, "", `"openapi" appears twice`},
		{"duplicate key", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\ninfo: {title: y, version: '2'}\n", 4, "", `"info" appears twice`},
		{"two documents", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n---\nopenapi: 3.0.3\n", 4, "", "more than one YAML document"},
		{"asyncapi 2 without channels", "asyncapi: 2.6.0\ninfo: {title: x, version: '1'}\n", 1, "", "no `channels`"},
		{"asyncapi channel not object", "asyncapi: 2.6.0\ninfo: {title: x, version: '1'}\nchannels:\n  a: 1\n", 4, "/channels/a", "channel must be an object"},
		{"asyncapi 3 bad action", "asyncapi: 3.0.0\ninfo: {title: x, version: '1'}\noperations:\n  a: {action: publish, channel: {$ref: '#/channels/a'}}\n", 4, "/operations/a/action", "send or receive"},
		{"json too deep", strings.Repeat("[", 65) + strings.Repeat("]", 65), 1, "", "nested more than 64 deep"},
		{"yaml too deep", "openapi: 3.0.3\nx: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n", 2, "", "nested more than 64 deep"},
		{"too large", strings.Repeat(" ", MaxSize+1), 0, "", "10 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.content))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", doc)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if e.Line != tt.line || e.Pointer != tt.pointer || !strings.Contains(e.Message, tt.message) {
				t.Errorf("got line %d pointer %q message %q\nwant line %d pointer %q message containing %q",
					e.Line, e.Pointer, e.Message, tt.line, tt.pointer, tt.message)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Line: 12, Column: 5, Pointer: "/paths/~1pets/get", Message: "the GET operation must be an object"}, "line 12: paths./pets.get: the GET operation must be an object"},
		{Error{Line: 3, Message: "invalid YAML"}, "line 3: invalid YAML"},
		{Error{Message: "the document is empty"}, "the document is empty"},
		{Error{Line: 1, Pointer: "/a~0b/c", Message: "m"}, "line 1: a~b.c: m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
