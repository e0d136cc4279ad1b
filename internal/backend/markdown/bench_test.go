package markdown

import (
	"regexp"
	"strings"
	"testing"
)

// page is a portal page of ordinary size: headings, lists, a table, code and links.
var page = strings.Repeat(`## Authentication

Every request carries the key of an application registered with the API, in the **apikey** header.
Create the application on [My applications](/apps), then read the [guide](https://example.com/guide).

| Plan | Requests per minute | Support |
|:-----|-----------:|---------|
| Free | 60 | Community |
| Team | 600 | E-mail |

`+"```sh\ncurl -H 'apikey: $KEY' https://api.example.com/v1/pets\n```"+`

- [x] Sign up
- [ ] Create an application
- Register it with the API <kbd>Enter</kbd>

`, 10)

func BenchmarkRender(b *testing.B) {
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(page)
	}
}

func BenchmarkExcerpt(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Excerpt(page)
	}
}

// eventHandler matches an on...= attribute inside a tag; text never holds a raw '<'.
var eventHandler = regexp.MustCompile(`<[^>]*\son[a-z]+\s*=`)

// FuzzRender: whatever the source, the output holds no script element and no javascript: link.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		page,
		"<script>alert(1)</script>",
		"[x](javascript:alert(1))",
		"<a href=\"jAvAsCrIpT:alert(1)\">x</a>",
		"<div>\n<script>x</script>\n</div>",
		"<scr<script>ipt>alert(1)</script>",
		"```\n<script>\n```",
		"<img src=x onerror=alert(1)>",
		"# h\n\n<details><summary>s</summary>\n\n*md*\n\n</details>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := strings.ToLower(string(Render(src)))
		if strings.Contains(out, "<script") || strings.Contains(out, "=\"javascript:") || eventHandler.MatchString(out) {
			t.Fatalf("unsafe output for %q:\n%s", src, out)
		}
		_ = Title(src)
		_ = Excerpt(src)
	})
}
