package web

import (
	"html/template"
	"net/url"
	"strconv"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// Arguments of recursive and shared partials: html/template passes one value to a template, so
// the partials that need more get a small struct.
type (
	pageTreeArgs struct {
		Nodes   []*core.PageNode
		Current string
	}
	docTreeArgs struct {
		Nodes   []*core.DocumentNode
		API     string
		Current string
	}
	referenceArgs struct {
		Ref      *apispec.Reference
		Renderer core.SpecRenderer
	}
	operationArgs struct {
		Op       apispec.Operation
		Renderer core.SpecRenderer
	}
	mediaArgs struct {
		Media    apispec.MediaType
		Renderer core.SpecRenderer
	}
	messageArgs struct {
		Msg      apispec.Message
		Renderer core.SpecRenderer
	}
)

// templateFuncs are the functions every template may call.
func templateFuncs(assets *assetSet) template.FuncMap {
	return template.FuncMap{
		"asset": assets.url,
		"treeOf": func(nodes []*core.PageNode, current string) pageTreeArgs {
			return pageTreeArgs{nodes, current}
		},
		"docTreeOf": func(nodes []*core.DocumentNode, api, current string) docTreeArgs {
			return docTreeArgs{nodes, api, current}
		},
		"refOf": func(r *apispec.Reference, o core.SpecRenderer) referenceArgs { return referenceArgs{r, o} },
		"opOf":  func(op apispec.Operation, o core.SpecRenderer) operationArgs { return operationArgs{op, o} },
		"mediaOf": func(m apispec.MediaType, o core.SpecRenderer) mediaArgs {
			return mediaArgs{m, o}
		},
		"msgOf":     func(m apispec.Message, o core.SpecRenderer) messageArgs { return messageArgs{m, o} },
		"pageQuery": pageQuery,
		// Specification descriptions are CommonMark; the reference is rendered once per version,
		// so their markdown costs nothing on a page view.
		"markdown": renderMarkdown,
	}
}

// pageQuery is the query string of page n of the catalogue searched for q.
func pageQuery(q string, n int) string {
	v := url.Values{"page": {strconv.Itoa(n)}}
	if q != "" {
		v.Set("q", q)
	}
	return v.Encode()
}
