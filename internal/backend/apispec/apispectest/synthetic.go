// Package apispectest makes specifications for tests and benchmarks of the packages that parse,
// store and render them.
package apispectest

import (
	"bytes"
	"encoding/json"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// SyntheticOpenAPI returns a valid OpenAPI 3.0.3 document in YAML of at least lines lines (and
// at most about 150 more): resources with list, create, get, update and delete operations, shared
// parameters and responses, component schemas with $ref, allOf, oneOf, enums, a recursive
// reference and examples, so that parsing and rendering it costs what a real document of that
// size costs. The same lines give the same document.
func SyntheticOpenAPI(lines int) []byte {
	var b bytes.Buffer
	b.WriteString(`openapi: 3.0.3
info:
  title: Synthetic API
  version: 1.0.0
  description: |
    A generated document for tests and benchmarks.

    It has many resources that look alike.
servers:
  - url: https://api.example.com/v1
    description: Production
security:
  - apiKey: []
tags:
`)
	resources := 1
	for estimated := 150; estimated < lines; estimated += 140 {
		resources++
	}
	for i := 0; i < resources; i++ {
		fmt.Fprintf(&b, "  - name: resource%d\n    description: Operations on resource %d.\n", i, i)
	}
	b.WriteString("paths:\n")
	for i := 0; i < resources; i++ {
		writeResourcePaths(&b, i)
	}
	b.WriteString(`components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: apikey
  parameters:
    PageSize:
      name: page[size]
      in: query
      schema: {type: integer, minimum: 1, maximum: 100, default: 10}
    PageNumber:
      name: page[number]
      in: query
      schema: {type: integer, minimum: 1, default: 1}
  responses:
    Problem:
      description: The request failed; the body says why.
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
  schemas:
    Problem:
      type: object
      required: [status, title]
      properties:
        status: {type: integer}
        title: {type: string}
        detail: {type: string}
        invalid_parameters:
          type: array
          items:
            type: object
            properties:
              field: {type: string}
              reason: {type: string}
    Meta:
      type: object
      properties:
        page:
          type: object
          properties:
            number: {type: integer}
            size: {type: integer}
            total: {type: integer}
    Labels:
      type: object
      additionalProperties: {type: string, maxLength: 63}
`)
	for i := 0; i < resources; i++ {
		writeResourceSchemas(&b, i)
	}
	for counted := bytes.Count(b.Bytes(), []byte{'\n'}); counted < lines; counted++ {
		fmt.Fprintf(&b, "x-padding-%d: a line to reach the size asked for\n", counted)
	}
	return b.Bytes()
}

func writeResourcePaths(b *bytes.Buffer, i int) {
	fmt.Fprintf(b, `  /resource%[1]d:
    get:
      tags: [resource%[1]d]
      summary: List resource %[1]d
      operationId: listResource%[1]d
      parameters:
        - $ref: '#/components/parameters/PageSize'
        - $ref: '#/components/parameters/PageNumber'
        - name: filter[name]
          in: query
          description: Only the items whose name contains this text.
          schema: {type: string}
      responses:
        '200':
          description: A page of items.
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: array
                    items: {$ref: '#/components/schemas/Resource%[1]d'}
                  meta: {$ref: '#/components/schemas/Meta'}
        '400': {$ref: '#/components/responses/Problem'}
    post:
      tags: [resource%[1]d]
      summary: Create resource %[1]d
      operationId: createResource%[1]d
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Resource%[1]dInput'}
            example: {name: example, kind: small, labels: {team: core}}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Resource%[1]d'}
        '400': {$ref: '#/components/responses/Problem'}
  /resource%[1]d/{id}:
    parameters:
      - name: id
        in: path
        required: true
        description: The id of the item.
        schema: {type: string, format: uuid}
    get:
      tags: [resource%[1]d]
      summary: Get resource %[1]d
      operationId: getResource%[1]d
      responses:
        '200':
          description: The item.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Resource%[1]d'}
        '404': {$ref: '#/components/responses/Problem'}
    patch:
      tags: [resource%[1]d]
      summary: Update resource %[1]d
      operationId: updateResource%[1]d
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Resource%[1]dInput'}
      responses:
        '200':
          description: The item as updated.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Resource%[1]d'}
        '404': {$ref: '#/components/responses/Problem'}
    delete:
      tags: [resource%[1]d]
      summary: Delete resource %[1]d
      operationId: deleteResource%[1]d
      responses:
        '204': {description: Deleted.}
        '404': {$ref: '#/components/responses/Problem'}
`, i)
}

func writeResourceSchemas(b *bytes.Buffer, i int) {
	fmt.Fprintf(b, `    Resource%[1]dInput:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1, maxLength: 255, description: A name people recognise.}
        kind: {type: string, enum: [small, medium, large], default: small}
        labels: {$ref: '#/components/schemas/Labels'}
        parent: {$ref: '#/components/schemas/Resource%[1]d'}
        settings:
          oneOf:
            - type: object
              properties:
                mode: {type: string, enum: [simple]}
            - type: object
              properties:
                mode: {type: string, enum: [advanced]}
                level: {type: integer, minimum: 0, maximum: 9}
    Resource%[1]d:
      allOf:
        - $ref: '#/components/schemas/Resource%[1]dInput'
        - type: object
          required: [id, created_at]
          properties:
            id: {type: string, format: uuid, readOnly: true}
            created_at: {type: string, format: date-time, readOnly: true}
            updated_at: {type: string, format: date-time, readOnly: true}
`, i)
}

// SyntheticOpenAPIJSON is SyntheticOpenAPI(lines) written as indented JSON, keys in document order.
// It has more lines than the YAML, as JSON spends lines on closing brackets.
func SyntheticOpenAPIJSON(lines int) []byte {
	var root yaml.Node
	if err := yaml.Unmarshal(SyntheticOpenAPI(lines), &root); err != nil {
		panic("apispectest: the synthetic document does not parse: " + err.Error())
	}
	var b bytes.Buffer
	writeJSON(&b, root.Content[0], 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func writeJSON(b *bytes.Buffer, n *yaml.Node, depth int) {
	indent := func(d int) {
		b.WriteByte('\n')
		for i := 0; i < d; i++ {
			b.WriteString("  ")
		}
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			key, _ := json.Marshal(n.Content[i].Value)
			b.Write(key)
			b.WriteString(": ")
			writeJSON(b, n.Content[i+1], depth+1)
		}
		indent(depth)
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeJSON(b, item, depth+1)
		}
		indent(depth)
		b.WriteByte(']')
	case yaml.AliasNode:
		writeJSON(b, n.Alias, depth)
	default:
		switch n.Tag {
		case "!!int", "!!float", "!!bool", "!!null":
			b.WriteString(n.Value)
		default:
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		}
	}
}
