package web

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

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
		"msgOf":      func(m apispec.Message, o core.SpecRenderer) messageArgs { return messageArgs{m, o} },
		"pageQuery":  pageQuery,
		"paragraphs": paragraphs,
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

// paragraphs shows a specification's description as escaped paragraphs, one per blank-line-separated
// block. Descriptions are many on a large reference; this keeps the page cheap to render.
func paragraphs(text string) template.HTML {
	var b strings.Builder
	for para := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>")
			b.WriteString(html.EscapeString(para))
			b.WriteString("</p>")
		}
	}
	return template.HTML(b.String()) // the text is escaped above
}
