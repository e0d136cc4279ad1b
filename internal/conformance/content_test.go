package conformance

import (
	"testing"
)

// TestContentConforms drives the content endpoints, admin and developer, through their successes
// and the errors the documents define; it fails listing every response that the documents reject.
func TestContentConforms(t *testing.T) {
	c, rec := startCheckedBackend(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	const spec = "openapi: 3.0.3\ninfo:\n  title: Pets\n  version: 1.0.0\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n"

	portal := c.id(c.do("POST", "/v3/portals", 201, obj{"name": "conformance-content", "default_page_visibility": "public"}))
	pages := "/v3/portals/" + portal + "/pages"
	parent := c.id(c.do("POST", pages, 201, obj{"slug": "/guides", "title": "Guides", "content": "# Guides", "status": "published"}))
	child := c.id(c.do("POST", pages, 201, obj{"slug": "start", "content": "Hello", "parent_page_id": parent, "description": "First steps"}))
	c.do("GET", pages, 200, nil)
	c.do("GET", pages+"?filter[slug][contains]=guide&sort=title", 200, nil)
	c.do("GET", pages+"/"+child, 200, nil)
	c.do("PATCH", pages+"/"+child, 200, obj{"status": "published"})
	c.do("POST", pages+"/"+child+"/move", 201, obj{"index": 0})
	c.do("POST", pages+"/"+child+"/move", 201, obj{"parent_page_id": parent, "index": -1})
	c.do("POST", pages+"/"+parent+"/move", 409, obj{"parent_page_id": child})
	c.do("POST", pages, 400, obj{"content": "no slug"})
	c.do("POST", pages, 409, obj{"slug": "start", "content": "again", "parent_page_id": parent})
	c.do("GET", pages+"/"+missing, 404, nil)
	c.do("GET", "/v3/portals/"+missing+"/pages", 404, nil)

	snippets := "/v3/portals/" + portal + "/snippets"
	snippet := c.id(c.do("POST", snippets, 201, obj{"name": "banner", "content": "Hi", "status": "published", "visibility": "public"}))
	c.do("GET", snippets, 200, nil)
	c.do("GET", snippets+"?filter[name]=banner", 200, nil)
	c.do("GET", snippets+"/"+snippet, 200, nil)
	c.do("PATCH", snippets+"/"+snippet, 200, obj{"title": "Banner"})
	c.do("POST", snippets, 400, obj{"content": "no name"})
	c.do("POST", snippets, 409, obj{"name": "banner", "content": "again"})
	c.do("GET", snippets+"/"+missing, 404, nil)

	custom := "/v3/portals/" + portal + "/customization"
	c.do("GET", custom, 200, nil)
	c.do("PATCH", custom, 200, obj{"theme": obj{"mode": "dark", "colors": obj{"primary": "#aa3300"}}})
	c.do("PUT", custom, 200, obj{"layout": "wide", "menu": obj{"main": []obj{{"path": "/apis", "title": "APIs", "visibility": "public", "external": false}},
		"footer_sections": []obj{{"title": "More", "items": []obj{{"path": "https://example.com", "title": "Site", "visibility": "public", "external": true}}}}}})
	c.do("PATCH", custom, 400, obj{"theme": obj{"colors": obj{"primary": "red"}}})
	c.do("GET", "/v3/portals/"+missing+"/customization", 404, nil)

	api := c.id(c.do("POST", "/v3/apis", 201, obj{"name": "conformance-content-api", "version": "v1"}))
	versions := "/v3/apis/" + api + "/versions"
	version := c.id(c.do("POST", versions, 201, obj{"spec": obj{"content": spec}}))
	c.do("GET", versions, 200, nil)
	c.do("GET", versions+"/"+version, 200, nil)
	c.do("PATCH", versions+"/"+version, 200, obj{"version": "1.0.1"})
	c.do("POST", versions, 409, obj{"spec": obj{"content": spec}})
	c.do("PATCH", versions+"/"+version, 400, obj{"spec": obj{"content": "openapi: 3.0.3\n"}})
	c.do("GET", versions+"/"+missing, 404, nil)
	c.do("POST", "/v3/apis", 201, obj{"name": "conformance-spec-content", "spec_content": spec})
	c.do("POST", "/v3/apis", 400, obj{"name": "conformance-bad-spec", "spec_content": "swagger: '2.0'"})

	docs := "/v3/apis/" + api + "/documents"
	doc := c.id(c.do("POST", docs, 201, obj{"title": "Overview", "content": "# Overview", "status": "published"}))
	sub := c.id(c.do("POST", docs, 201, obj{"title": "Auth", "content": "Keys", "parent_document_id": doc, "status": "published"}))
	c.do("GET", docs, 200, nil)
	c.do("GET", docs+"?filter[status]=published", 200, nil)
	c.do("GET", docs+"/"+doc, 200, nil)
	c.do("PATCH", docs+"/"+sub, 200, obj{"title": "Authentication"})
	c.do("POST", docs+"/"+sub+"/move", 204, obj{"index": 0})
	c.do("POST", docs, 400, obj{"title": "no content"})
	c.do("POST", docs, 409, obj{"title": "Overview", "content": "again"})
	c.do("GET", docs+"/"+missing, 404, nil)

	c.do("PUT", "/v3/apis/"+api+"/publications/"+portal, 200, obj{"visibility": "public", "auth_strategy_ids": nil})
	dev := "/portals/" + portal + "/api/v3"
	c.doRaw("GET", dev+"/pages", 200, nil, "")
	c.doRaw("GET", dev+"/pages/guides", 200, nil, "")
	c.doRaw("GET", dev+"/pages/guides/start", 200, nil, "")
	c.doRaw("GET", dev+"/pages/nowhere", 404, nil, "")
	c.doRaw("GET", dev+"/snippets", 200, nil, "")
	c.doRaw("GET", dev+"/snippets/banner", 200, nil, "")
	c.doRaw("GET", dev+"/snippets/nothing", 404, nil, "")
	c.doRaw("GET", dev+"/customization", 200, nil, "")
	c.doRaw("GET", dev+"/portal", 200, nil, "")
	c.doRaw("GET", dev+"/search?q=pets", 200, nil, "")
	c.doRaw("GET", dev+"/search?q=overview&page[size]=5", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/versions", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/versions/"+version, 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/versions/"+version+"/raw", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/versions/"+missing, 404, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/specifications", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/specifications/"+version, 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/specifications/"+version+"/raw", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/documents", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+api+"/documents/overview", 200, nil, "")
	// A document id also matches the document's slug pattern, which its oneOf forbids: by slug only.
	c.doRaw("GET", dev+"/apis/"+api+"/documents/auth", 200, nil, "")
	c.doRaw("GET", dev+"/apis/"+missing+"/documents", 404, nil, "")

	c.do("DELETE", docs+"/"+doc, 204, nil)
	c.do("DELETE", versions+"/"+version, 204, nil)
	c.do("DELETE", snippets+"/"+snippet, 204, nil)
	c.do("DELETE", pages+"/"+parent, 204, nil)
	c.do("DELETE", pages+"/"+parent, 404, nil)

	rec.Report(t)
}
