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

// Bounds past which markdown is shown as plain text instead of being parsed: the parser's time
// grows with the square of a line's length, of its nesting, or of a run of link reference
// definitions, and a page past these bounds is not one a person wrote to be read. MaxSourceBytes
// is the longest page content the Konnect documents allow.
const (
	MaxSourceBytes   = 1_000_000
	maxLineBytes     = 10_000
	maxNesting       = 32
	maxIndent        = 128
	maxDefinitionRun = 500
)

// parseable reports whether src is within the bounds above.
func parseable(src string) bool {
	if len(src) > MaxSourceBytes {
		return false
	}
	definitions := 0
	for len(src) > 0 {
		line := src
		if i := strings.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = ""
		}
		if len(line) > maxLineBytes || nesting(line) > maxNesting {
			return false
		}
		if looksLikeDefinition(line) {
			definitions++
			if definitions > maxDefinitionRun {
				return false
			}
		} else {
			definitions = 0
		}
	}
	return true
}

// looksLikeDefinition reports whether a line may be a link reference definition, "[label]: url".
func looksLikeDefinition(line string) bool {
	trimmed := strings.TrimLeft(line, " ")
	return len(line)-len(trimmed) <= 3 && strings.HasPrefix(trimmed, "[") && strings.Contains(trimmed, "]:")
}

// nesting counts the block quote and list markers that open a line, and its indentation in
// steps of two columns: how deep the blocks on that line are nested.
func nesting(line string) int {
	depth, indent := 0, 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			indent++
		case c == '\t':
			indent += 4
		case c == '>':
			depth++
			if i+1 < len(line) && line[i+1] == ' ' {
				i++ // the space after a marker belongs to it
			}
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			depth++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && line[j+1] == ' ' {
				depth++
				i = j + 1
				continue
			}
			return depth + indent/2
		default:
			return depth + indent/2
		}
		if indent > maxIndent {
			return maxNesting + 1
		}
	}
	return depth + indent/2
}

// Render converts markdown to sanitized HTML. Markdown past the bounds above is shown as
// preformatted text.
func Render(src string) template.HTML {
	if !parseable(src) {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>\n")
	}
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

// parse reads markdown into its syntax tree, for the functions that want its text; markdown past
// the bounds reads as one paragraph of plain text.
func parse(src []byte) ast.Node {
	if !parseable(string(src)) {
		doc := ast.NewDocument()
		paragraph := ast.NewParagraph()
		paragraph.AppendChild(paragraph, ast.NewString(src))
		doc.AppendChild(doc, paragraph)
		return doc
	}
	return converter.Parser().Parse(text.NewReader(src))
}
