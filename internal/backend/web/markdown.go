package web

import (
	"html"
	"html/template"
	"strings"
)

// renderMarkdown turns page and document markdown into HTML with nothing of it executable: raw
// HTML in the source shows as text.
func renderMarkdown(src string) template.HTML {
	var b strings.Builder
	for para := range strings.SplitSeq(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		if h := strings.TrimLeft(para, "#"); h != para && strings.HasPrefix(h, " ") && !strings.Contains(para, "\n") {
			level := min(len(para)-len(h), 6)
			b.WriteString("<h" + string(rune('0'+level)) + ">" + html.EscapeString(strings.TrimSpace(h)) + "</h" + string(rune('0'+level)) + ">\n")
			continue
		}
		b.WriteString("<p>" + html.EscapeString(para) + "</p>\n")
	}
	return template.HTML(b.String()) // every piece of the source is escaped above
}
