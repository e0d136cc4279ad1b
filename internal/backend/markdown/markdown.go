// Package markdown renders the markdown of portal pages, snippets and API documents to HTML that is
// safe to put in a page: GitHub-flavoured (tables, autolinks, task lists, strikethrough), headings
// with ids to link to, and raw HTML sanitized. A harmless tag (<details>, <kbd>, ...) is kept; any
// other tag, <script> first, shows as text; links lose dangerous schemes (javascript:, data:), and
// links to other sites carry rel="nofollow noopener".
//
// Render, Title, Excerpt and Text are safe for concurrent use.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// converter and policy are built once: both are safe for concurrent use and costly to build.
var (
	converter = goldmark.New(
		// GitHub-flavoured markdown, with table alignment as an attribute: a style attribute
		// would need the site's Content-Security-Policy to allow inline styles.
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Raw HTML reaches the output only through rawHTMLRenderer, and all of it then through
		// the sanitizing policy.
		goldmark.WithRendererOptions(
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(rawHTMLRenderer{}, 100)),
		),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Links within the portal are followed; only those to other sites get rel="nofollow", to which
	// Render adds noopener.
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]{1,100}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowElements("kbd")
	// Task list items: GFM renders them as disabled checkboxes.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	return p
}

// Render converts markdown to sanitized HTML.
func Render(src string) template.HTML {
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/4)
	if err := converter.Convert([]byte(src), &out); err != nil {
		// Convert fails only when its writer does; a bytes.Buffer does not. Show the text
		// rather than nothing.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	clean := policy.SanitizeBytes(out.Bytes())
	// The policy writes rel="nofollow" on links to other sites and allows no rel of the source,
	// so this attribute text occurs only where the policy put it.
	clean = bytes.ReplaceAll(clean, []byte(`rel="nofollow"`), []byte(`rel="nofollow noopener"`))
	return template.HTML(clean)
}

// allowedRawTags are the HTML elements an author may write in markdown; their attributes are still
// filtered by the policy. Any other tag is shown as text.
var allowedRawTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "blockquote": true, "br": true, "caption": true, "code": true,
	"dd": true, "del": true, "details": true, "div": true, "dl": true, "dt": true, "em": true,
	"figcaption": true, "figure": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "hr": true, "i": true, "img": true, "ins": true, "kbd": true, "li": true, "mark": true,
	"ol": true, "p": true, "pre": true, "q": true, "s": true, "samp": true, "small": true, "span": true,
	"strong": true, "sub": true, "summary": true, "sup": true, "table": true, "tbody": true, "td": true,
	"tfoot": true, "th": true, "thead": true, "tr": true, "u": true, "ul": true, "var": true,
}

var rawTagName = regexp.MustCompile(`^<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)`)

// rawKind tells what to do with a piece of raw HTML: drop a comment or declaration, keep an allowed
// tag, show anything else as text.
func rawKind(raw []byte) (keep, drop bool) {
	trimmed := bytes.TrimSpace(raw)
	if bytes.HasPrefix(trimmed, []byte("<!")) || bytes.HasPrefix(trimmed, []byte("<?")) {
		return false, true
	}
	m := rawTagName.FindSubmatch(trimmed)
	if m == nil {
		return false, false
	}
	return allowedRawTags[strings.ToLower(string(m[1]))], false
}

// rawHTMLRenderer writes the raw HTML of a markdown source: allowed tags as they are, comments
// not at all, and everything else escaped, so that a reader sees what the author wrote.
type rawHTMLRenderer struct{}

func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var raw []byte
	for i := 0; i < n.Segments.Len(); i++ {
		segment := n.Segments.At(i)
		raw = append(raw, segment.Value(source)...)
	}
	writeRaw(w, raw, false)
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var raw []byte
	for i := 0; i < n.Lines().Len(); i++ {
		line := n.Lines().At(i)
		raw = append(raw, line.Value(source)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(source)...)
	}
	writeRaw(w, raw, true)
	return ast.WalkContinue, nil
}

func writeRaw(w util.BufWriter, raw []byte, block bool) {
	keep, drop := rawKind(raw)
	switch {
	case drop:
	case keep:
		_, _ = w.Write(raw)
	case block:
		_, _ = w.WriteString("<p>")
		_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(raw, "\n")))
		_, _ = w.WriteString("</p>\n")
	default:
		_, _ = w.Write(util.EscapeHTML(raw))
	}
}

// parse reads markdown into its syntax tree, for the functions that want its text.
func parse(src []byte) ast.Node {
	return converter.Parser().Parse(text.NewReader(src))
}
