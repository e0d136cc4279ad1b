package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string // parts the HTML must contain
		notWant []string // parts it must not
	}{
		{"paragraph and emphasis", "Hello *world*", []string{"<p>Hello <em>world</em></p>"}, nil},
		{"heading ids", "# Getting started\n\n## Getting started", []string{`<h1 id="getting-started">Getting started</h1>`, `<h2 id="getting-started-1">`}, nil},
		{"table with alignment", "| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"<table>", `<th align="left">a</th>`, `<td align="right">2</td>`}, []string{"style="}},
		{"autolink", "See https://example.com/docs.", []string{`<a href="https://example.com/docs" rel="nofollow noopener">https://example.com/docs</a>`}, nil},
		{"external link", "[docs](https://example.com)", []string{`<a href="https://example.com" rel="nofollow noopener">docs</a>`}, nil},
		{"link within the portal", "[apps](/apps) and [top](#intro)", []string{`<a href="/apps">apps</a>`, `<a href="#intro">top</a>`}, []string{"nofollow"}},
		{"fenced code keeps its language", "```go\nfmt.Println(\"<b>\")\n```", []string{`<pre><code class="language-go">fmt.Println(&#34;&lt;b&gt;&#34;)`}, nil},
		{"odd language class is dropped", "```x\" onclick=\"alert(1)\nx\n```", []string{"<pre><code>x"}, []string{"onclick"}},
		{"task list", "- [x] done\n- [ ] todo", []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}, nil},
		{"strikethrough", "~~old~~", []string{"<del>old</del>"}, nil},
		{"script block shows as text", "<script>alert(1)</script>", []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script"}},
		{"inline script shows as text", "Hi <script>alert(1)</script> there", []string{"&lt;script&gt;", "alert(1)"}, []string{"<script"}},
		{"style and iframe show as text", "<style>body{}</style>\n\n<iframe src=\"https://evil.example\"></iframe>", []string{"&lt;style&gt;", "&lt;iframe"}, []string{"<style", "<iframe"}},
		{"javascript link removed", "[x](javascript:alert(1))", []string{"x"}, []string{"javascript:", "href"}},
		{"javascript link in raw html removed", `<a href="javascript:alert(1)" onclick="alert(2)">x</a>`, []string{"x"}, []string{"javascript:", "onclick"}},
		{"data uri image removed", "![x](data:image/svg+xml;base64,PHN2Zz4=)", nil, []string{"data:"}},
		{"event handler on allowed tag removed", `<details open onclick="alert(1)"><summary>More</summary>Body</details>`, []string{"<details", "<summary>More</summary>"}, []string{"onclick"}},
		{"kbd kept", "Press <kbd>Ctrl</kbd>", []string{"<kbd>Ctrl</kbd>"}, nil},
		{"comment dropped", "a <!-- secret --> b", []string{"a  b"}, []string{"secret", "<!--"}},
		{"script inside an allowed block is dropped", "<div>\n<script>alert(1)</script>\n</div>", []string{"<div>"}, []string{"<script", "alert(1)"}},
		{"image", "![logo](https://example.com/logo.png \"Logo\")", []string{`<img src="https://example.com/logo.png" alt="logo" title="Logo"`}, nil},
		{"heading id cannot be injected", "# x\" onmouseover=\"alert(1)", nil, []string{"onmouseover=\""}},
		{"reference link", "[x][a]\n\n[a]: https://example.com", []string{`<a href="https://example.com" rel="nofollow noopener">x</a>`}, nil},
		{"empty", "", nil, []string{"<p>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Render(tt.src))
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("Render(%q) = %q\nwant it to contain %q", tt.src, got, want)
				}
			}
			for _, notWant := range tt.notWant {
				if strings.Contains(got, notWant) {
					t.Errorf("Render(%q) = %q\nwant it not to contain %q", tt.src, got, notWant)
				}
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ src, want string }{
		{"# Welcome to *Acme*\n\ntext", "Welcome to Acme"},
		{"intro\n\n## Second `level`\n# First", "Second level"},
		{"Setext\n======\n", "Setext"},
		{"no heading at all", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Title(tt.src); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct{ src, want string }{
		{"# Title\n\nFirst *paragraph*\nwraps.\n\n```\ncode\n```\n\nSecond [link](/x).", "First paragraph wraps. Second link."},
		{"<script>alert(1)</script>\n\nText", "Text"},
		{"| a |\n|---|\n| b |\n\nAfter the table", "After the table"},
		{"- one\n- two", "one two"},
		{long, strings.TrimSpace(strings.Repeat("word ", 40)) + "…"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Excerpt(tt.src)
		if got != tt.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tt.src, got, tt.want)
		}
		if n := len([]rune(got)); n > ExcerptLength {
			t.Errorf("Excerpt(%q) has %d characters", tt.src, n)
		}
	}
}

func TestText(t *testing.T) {
	got := Text("# Keys\n\nUse the `apikey` header.\n\n```sh\ncurl -H apikey:KEY\n```\n\n| a | b |\n|---|---|\n| c | d |")
	want := "Keys Use the apikey header. curl -H apikey:KEY a b c d"
	if got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four", 10, "one two…"},
		{"averyveryverylongword", 10, "averyvery…"},
		{"déjà vu encore", 9, "déjà vu…"},
	}
	for _, tt := range tests {
		if got := cut(tt.s, tt.max); got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

func TestNesting(t *testing.T) {
	tests := []struct {
		line string
		want int
	}{
		{"plain text", 0},
		{"> quote", 1},
		{"> > - item", 3},
		{"    code or nested", 2},
		{"1. first", 1},
		{"12) twelfth", 1},
		{"- 1. nested", 2},
		{"-not a list", 0},
		{"2024 was a year", 0},
		{"\t- tabbed", 3},
	}
	for _, tt := range tests {
		if got := nesting(tt.line); got != tt.want {
			t.Errorf("nesting(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}

// Markdown that would make the parser work for seconds is shown as text at once.
func TestRenderPastBounds(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"deep quotes", strings.Repeat(">", 50_000) + " x"},
		{"deep lists on one line", strings.Repeat("- ", 20_000) + "x"},
		{"a very long line", strings.Repeat("[a](", 20_000)},
		{"deep indentation", strings.Repeat(" ", 300) + "- x"},
		{"a long run of link definitions", strings.Repeat("[a]: /u\n", 20_000)},
		{"too large", strings.Repeat("word\n", MaxSourceBytes/5+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Render(tt.src + "\n<script>alert(1)</script>"))
			if !strings.HasPrefix(got, "<pre>") || strings.Contains(got, "<script") {
				t.Errorf("Render gave %.200q…, want escaped preformatted text", got)
			}
			_ = Title(tt.src)
			if excerpt := Excerpt(tt.src); len([]rune(excerpt)) > ExcerptLength {
				t.Errorf("Excerpt has %d characters", len([]rune(excerpt)))
			}
		})
	}
}
