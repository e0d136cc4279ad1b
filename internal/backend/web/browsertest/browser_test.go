package browsertest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// screenshotDir, when set, is where the story saves a PNG of each main page.
var screenshotDir = flag.String("screenshots", "", "directory to save PNGs of the website's main pages into")

// Bounds of the browser's waits: generous for a busy machine, and never part of what a test asserts.
const (
	browserStartTimeout = 60 * time.Second
	stepTimeout         = 30 * time.Second
)

// chromiumNames are the names that Debian, other distributions and Google give the browser.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findChromium returns the path of the first Chromium or Chrome on PATH.
func findChromium() (string, bool) {
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, true
		}
	}
	return "", false
}

// requireChromium returns the path of a Chromium, skipping the test when none is installed; under
// CI, where .ci/run installs one, a missing Chromium fails the test instead of passing it silently.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, ok := findChromium()
	if !ok {
		msg := fmt.Sprintf("no Chromium found on PATH (looked for %s): install Debian's chromium package to run the browser tests",
			strings.Join(chromiumNames, ", "))
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// browser is one tab of a headless Chromium that the test started, on one portal's website.
type browser struct {
	t *testing.T
	// ctx is the tab's context. It has no deadline, which would end the whole browser; every step
	// derives its own bounded context from it.
	ctx    context.Context
	origin string // the website's origin, "http://<portal domain>:<port>"
}

// newBrowser starts a headless Chromium for the website at origin and stops it when the test
// ends. See requireChromium for a machine without Chromium.
func newBrowser(t *testing.T, origin string) *browser {
	t.Helper()
	path := requireChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(1280, 900),
		// *.localhost resolves to loopback in Chromium already; the rule keeps it so where a
		// resolver configuration says otherwise.
		chromedp.Flag("host-resolver-rules", "MAP *.portal.localhost 127.0.0.1"),
	)
	if os.Geteuid() == 0 {
		// Chromium refuses to start its sandbox as root, as CI runs.
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting Chromium (%s): %v", path, err)
		}
	case <-time.After(browserStartTimeout):
		cancel()
		t.Fatalf("Chromium (%s) did not start within %s", path, browserStartTimeout)
	}
	return &browser{t: t, ctx: ctx, origin: origin}
}

// run runs one action within stepTimeout and returns its value; what names the step in the
// failure, with the address the tab shows.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
	return v
}

// do runs steps that return nothing, within one stepTimeout.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.Steps(steps...))
}

// navigating runs steps that cause a page load (a link, a form's submission) and waits for the
// page that ends it, after any redirects; it returns that page's response.
func (b *browser) navigating(what string, steps ...chromedp.Action[chromedp.Void]) *network.Response {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
	return resp
}

// location is the address the tab shows, for failure messages; never a token's page (those are
// left by the time anything fails after them).
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return loc
}

// open loads a path of the website and returns the response's status.
func (b *browser) open(path string) int {
	b.t.Helper()
	resp := b.navigating("opening "+path, chromedp.Navigate(b.origin+path))
	if resp == nil {
		b.t.Fatalf("opening %s: no response", path)
	}
	return int(resp.Status)
}

// openURL loads an absolute address, such as a link from an e-mail.
func (b *browser) openURL(url string) int {
	b.t.Helper()
	resp := b.navigating("opening a link", chromedp.Navigate(url))
	if resp == nil {
		b.t.Fatal("opening a link: no response")
	}
	return int(resp.Status)
}

// field is one input of a form, by its name, and the value to type into it.
type field struct{ name, value string }

// submit fills the fields of the form with the given id, submits it with its submit button and
// waits for the page that answers; it returns that page's status.
func (b *browser) submit(formID string, fields ...field) int {
	b.t.Helper()
	form := "form#" + formID
	b.do("waiting for form "+formID, chromedp.WaitVisible(chromedp.CSS(form)))
	for _, f := range fields {
		sel := chromedp.CSS(fmt.Sprintf(`%s [name=%q]`, form, f.name))
		// SetValue, not typed keys: a select takes it too, and the test does not measure typing.
		b.do(fmt.Sprintf("filling %s of form %s", f.name, formID), chromedp.SetValue(sel, f.value))
	}
	resp := b.navigating("submitting form "+formID, chromedp.Click(chromedp.CSS(form+` [type="submit"]`)))
	if resp == nil {
		b.t.Fatalf("submitting form %s: no response", formID)
	}
	return int(resp.Status)
}

// typeIn types the values into the fields of the form with the given id with the keyboard alone,
// starting in its first field and moving with Tab, then presses Enter and waits for the page
// that answers; it returns that page's status. The fields must follow each other in tab order.
func (b *browser) typeIn(formID string, values ...string) int {
	b.t.Helper()
	first := chromedp.CSS(fmt.Sprintf("form#%s input:not([type=hidden])", formID))
	b.do("focusing the first field of form "+formID, chromedp.WaitVisible(first), chromedp.Focus(first))
	keys := strings.Join(values, kb.Tab) + kb.Enter
	resp := b.navigating("typing into form "+formID, chromedp.Steps(chromedp.KeyEvent(keys)))
	if resp == nil {
		b.t.Fatalf("typing into form %s: no response", formID)
	}
	return int(resp.Status)
}

// text returns the visible text of the first element matching the CSS selector.
func (b *browser) text(selector string) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, "reading "+selector, chromedp.Text(chromedp.CSS(selector), chromedp.NodeVisible)))
}

// count returns how many elements match the CSS selector now, without waiting for any.
func (b *browser) count(selector string) int {
	b.t.Helper()
	return run(b, "counting "+selector, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", selector)))
}

// has reports whether an element matches the CSS selector now.
func (b *browser) has(selector string) bool {
	b.t.Helper()
	return b.count(selector) > 0
}

// html returns the document's markup as the browser holds it now.
func (b *browser) html() string {
	b.t.Helper()
	return run(b, "reading the page's HTML", chromedp.Evaluate[string]("document.documentElement.outerHTML"))
}

// value returns the value of the input matching the CSS selector.
func (b *browser) value(selector string) string {
	b.t.Helper()
	return run(b, "reading the value of "+selector, chromedp.Value(chromedp.CSS(selector)))
}

// expectText fails the test unless the element matching selector shows text containing want.
func (b *browser) expectText(selector, want string) {
	b.t.Helper()
	if got := b.text(selector); !strings.Contains(got, want) {
		b.t.Fatalf("%s on %s shows %q, want it to contain %q", selector, b.location(), got, want)
	}
}

// expectAbsent fails the test when an element matches selector.
func (b *browser) expectAbsent(selector, why string) {
	b.t.Helper()
	if b.has(selector) {
		b.t.Fatalf("%s: %s is on %s", why, selector, b.location())
	}
}

// accessibilityProblems is a script that lists what keeps the page from a screen reader or a
// keyboard: inputs without a label, buttons and links without a name, not exactly one h1, no
// language, a refusal not announced.
const accessibilityProblems = `(() => {
  const problems = [];
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(h1 + " h1 headings");
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labelled = (el.id && document.querySelector("label[for='" + el.id + "']")) || el.closest("label") ||
      el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push("unlabelled " + el.tagName.toLowerCase() + " " + (el.name || el.id));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!el.textContent.trim() && !el.getAttribute("aria-label")) problems.push("nameless " + el.outerHTML.slice(0, 60));
  }
  for (const el of document.querySelectorAll(".error")) {
    if (el.getAttribute("role") !== "alert") problems.push("refusal not announced: " + el.id);
  }
  return problems;
})()`

// expectAccessible fails the test when the page has one of the problems accessibilityProblems
// looks for.
func (b *browser) expectAccessible() {
	b.t.Helper()
	if problems := run(b, "checking the page's accessibility", chromedp.Evaluate[[]string](accessibilityProblems)); len(problems) > 0 {
		b.t.Fatalf("%s: %s", b.location(), strings.Join(problems, "; "))
	}
}

// copyWith clicks the copy button matching selector and returns what the clipboard then holds:
// the site's script, allowed by its Content-Security-Policy, does the copying.
func (b *browser) copyWith(selector string) string {
	b.t.Helper()
	b.do("allowing the site to use the clipboard", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted, Origin: b.origin})
			if err != nil {
				return err
			}
		}
		return nil
	}))
	b.do("clicking "+selector, chromedp.Click(chromedp.CSS(selector)))
	run(b, "waiting for "+selector+" to say it copied",
		chromedp.Poll[bool](fmt.Sprintf("document.querySelector(%q).textContent === %q", selector, "Copied")))
	return run(b, "reading the clipboard", chromedp.Evaluate[string]("navigator.clipboard.readText()", chromedp.EvalAwaitPromise))
}

// screenshot saves a PNG of the whole page as DIR/name.png when -screenshots=DIR is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	// The pages worth a screenshot are the ones every visitor sees: each is checked on the way.
	b.expectAccessible()
	if *screenshotDir == "" {
		return
	}
	png := run(b, "taking a screenshot of "+name, chromedp.FullScreenshot(100))
	if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(*screenshotDir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("saving the screenshot %s: %v", path, err)
	}
	b.t.Logf("saved %s", path)
}
