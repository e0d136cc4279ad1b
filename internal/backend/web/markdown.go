package web

import (
	"html/template"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/markdown"
)

// renderMarkdown turns page and document markdown into HTML with nothing of it executable: raw
// HTML is sanitized, and a <script> in the source shows as text.
func renderMarkdown(src string) template.HTML { return markdown.Render(src) }
