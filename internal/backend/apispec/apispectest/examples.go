package apispectest

import _ "embed"

// Example documents, realistic and valid, for tests that upload, store or render a specification.
var (
	// PetstoreOpenAPI is an OpenAPI 3.0 document in YAML: tags, shared parameters and responses,
	// allOf, oneOf, a recursive schema, examples, API key and OAuth security.
	//
	//go:embed petstore-openapi-3.0.yaml
	PetstoreOpenAPI []byte

	// AccountsAsyncAPI is an AsyncAPI 2.6 document in YAML: channels with publish and subscribe
	// operations, a channel parameter, messages by reference and a oneOf of messages.
	//
	//go:embed accounts-asyncapi-2.6.yaml
	AccountsAsyncAPI []byte

	// StreetlightsAsyncAPI is an AsyncAPI 3.0 document in YAML: channels with addresses and
	// messages, and operations that point at them.
	//
	//go:embed streetlights-asyncapi-3.0.yaml
	StreetlightsAsyncAPI []byte
)

// Examples are the example documents by file name.
func Examples() map[string][]byte {
	return map[string][]byte{
		"petstore-openapi-3.0.yaml":      PetstoreOpenAPI,
		"accounts-asyncapi-2.6.yaml":     AccountsAsyncAPI,
		"streetlights-asyncapi-3.0.yaml": StreetlightsAsyncAPI,
	}
}
