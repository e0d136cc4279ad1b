package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// ExcerptLength is the most characters Excerpt returns, the ellipsis included.
const ExcerptLength = 200

// Title returns the text of the document's first heading, or "" when it has none.
func Title(src string) string {
	source := []byte(src)
	var title string
	_ = ast.Walk(parse(source), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if h, ok := n.(*ast.Heading); ok {
			var b strings.Builder
			writeText(&b, h, source)
			title = collapseSpace(b.String())
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return title
}

// Excerpt returns the start of the document's prose as plain text on one line, at most
// ExcerptLength characters, cut at a word with an ellipsis: what a search result shows under the
// title. Headings, code blocks, tables and raw HTML are left out.
func Excerpt(src string) string {
	var b strings.Builder
	source := []byte(src)
	_ = ast.Walk(parse(source), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			writeText(&b, n, source)
			if b.Len() > 4*ExcerptLength {
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		case *ast.Heading, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *east.Table:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return cut(collapseSpace(b.String()), ExcerptLength)
}

// Text returns all the words of the document as plain text on one line, code included and markup
// left out: what a search indexes.
func Text(src string) string {
	var b strings.Builder
	source := []byte(src)
	writeText(&b, parse(source), source)
	return collapseSpace(b.String())
}

// writeText writes the text under n, a space between blocks.
func writeText(b *strings.Builder, n ast.Node, source []byte) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch node := c.(type) {
		case *ast.Text:
			b.Write(node.Segment.Value(source))
			if node.SoftLineBreak() || node.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(node.Value)
		case *ast.AutoLink:
			b.Write(node.Label(source))
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				line := lines.At(i)
				b.Write(line.Value(source))
			}
		}
		return ast.WalkContinue, nil
	})
}

// collapseSpace trims s and turns each run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cut shortens s to at most max characters, at the end of a word, with an ellipsis.
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	all := []rune(s)
	runes := all[:max-1]
	end := len(runes)
	// Back up to the last space unless the cut already falls at the end of a word; a single word
	// longer than half the room is cut in the middle.
	if !unicode.IsSpace(all[end]) {
		for end > max/2 && !unicode.IsSpace(runes[end-1]) {
			end--
		}
		if end <= max/2 {
			end = len(runes)
		}
	}
	return strings.TrimRightFunc(string(runes[:end]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) + "…"
}
