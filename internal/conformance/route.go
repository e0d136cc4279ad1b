package conformance

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// regions are the path prefixes under which the backend mounts each region's API.
var regions = map[string]bool{"us": true, "eu": true, "au": true, "me": true, "in": true, "sg": true}

// area names the document group that describes part of the URL space.
type area int

const (
	areaNone area = iota
	areaManagement
	areaAuthStrategies
	areaControlPlanes
	areaDevPortal
)

// stripRegion removes a leading region segment, so "/eu/v3/portals" becomes "/v3/portals".
func stripRegion(path string) string {
	rest := strings.TrimPrefix(path, "/")
	first, tail, found := strings.Cut(rest, "/")
	if !regions[first] {
		return path
	}
	if !found {
		return "/"
	}
	return "/" + tail
}

// classify maps a server path (region already stripped) to the document group describing it
// and the path as that group's documents spell it, relative to their server URL.
func classify(path string) (area, string) {
	switch {
	case hasSegmentPrefix(path, "/v3"):
		return areaManagement, strings.TrimPrefix(path, "/v3")
	case hasSegmentPrefix(path, "/v2/application-auth-strategies"), hasSegmentPrefix(path, "/v2/dcr-providers"):
		return areaAuthStrategies, strings.TrimPrefix(path, "/v2")
	case hasSegmentPrefix(path, "/v2/control-planes"):
		return areaControlPlanes, strings.TrimPrefix(path, "/v2")
	case hasSegmentPrefix(path, "/api/v3"):
		// The developer API as a portal's own domain serves it.
		return areaDevPortal, path
	}
	if rest, ok := devPortalPath(path); ok {
		return areaDevPortal, rest
	}
	return areaNone, path
}

// devPortalPath recognises the developer-facing API, which the backend serves per portal as
// /portals/{portalId}/api/v3/... while its document lists /api/v3/....
func devPortalPath(path string) (string, bool) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) < 4 || segs[0] != "portals" || segs[1] == "" || segs[2] != "api" || segs[3] != "v3" {
		return "", false
	}
	return "/" + strings.Join(segs[2:], "/"), true
}

// hasSegmentPrefix reports whether path is prefix or starts with prefix followed by a slash.
func hasSegmentPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// template is one documented path, split into segments for matching.
type template struct {
	doc   *openapi3.T
	path  string
	item  *openapi3.PathItem
	segs  []string
	names []string // parameter name per segment, "" for a literal segment
}

func newTemplate(doc *openapi3.T, path string, item *openapi3.PathItem) template {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	names := make([]string, len(segs))
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			names[i] = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
		}
	}
	return template{doc: doc, path: path, item: item, segs: segs, names: names}
}

// match returns the path parameters when the template matches the request segments.
func (t template) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(t.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, s := range segs {
		if t.names[i] != "" {
			if s == "" {
				return nil, false
			}
			params[t.names[i]] = s
			continue
		}
		if s != t.segs[i] {
			return nil, false
		}
	}
	return params, true
}

// moreSpecific reports whether t should win over o when both match: the one with a literal
// segment at the first position where they differ, so /portals/email-domains beats
// /portals/{portalId}.
func (t template) moreSpecific(o template) bool {
	for i := range t.names {
		tl, ol := t.names[i] == "", o.names[i] == ""
		if tl != ol {
			return tl
		}
	}
	return false
}

// find returns the most specific template that matches path and documents method.
// pathKnown reports whether any template matches the path, whatever its methods.
func find(templates []template, path, method string) (best *template, params map[string]string, pathKnown bool) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i := range templates {
		t := &templates[i]
		p, ok := t.match(segs)
		if !ok {
			continue
		}
		pathKnown = true
		if t.item.GetOperation(method) == nil {
			continue
		}
		if best == nil || t.moreSpecific(*best) {
			best, params = t, p
		}
	}
	return best, params, pathKnown
}
