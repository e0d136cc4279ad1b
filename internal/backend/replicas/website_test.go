package replicas_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// A visitor behind a load balancer gets the log-in form from one replica and sends it to the
// other: the form is accepted there (the answer is about the credentials, not the form).
func TestWebsiteFormFromOneReplicaIsAcceptedByAnother(t *testing.T) {
	ctx := context.Background()
	replicas := startReplicas(t, filepath.Join(t.TempDir(), "shared.db"), 2)
	portal, err := adminCaller().want(ctx, replicas[0], http.MethodPost, "/v3/portals", `{"name":"forms","authentication_enabled":true}`, http.StatusCreated)
	if err != nil {
		t.Fatal(err)
	}
	domain := str(portal["default_domain"])
	visitor := developerCaller().client

	get, err := http.NewRequestWithContext(ctx, http.MethodGet, replicas[0]+"/login", nil)
	if err != nil {
		t.Fatal(err)
	}
	get.Host = domain
	res, err := visitor.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(res)
	_ = res.Body.Close()
	token := csrfField.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || token == nil {
		t.Fatalf("the log-in page answered %d without a form token:\n%s", res.StatusCode, page)
	}
	// The visitor cookie was set for the first replica's address; the load balancer's address is
	// one for both, so it goes to the second as well.
	form := url.Values{"csrf_token": {html.UnescapeString(token[1])}, "email": {"nobody@example.com"}, "password": {"wrong password 123"}}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, replicas[1]+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	post.Host = domain
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range res.Cookies() {
		post.AddCookie(c)
	}
	res, err = visitor.Do(post)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusForbidden || strings.Contains(strings.ToLower(string(body)), "this form has expired") {
		t.Fatalf("the second replica refused the first one's form (%d):\n%s", res.StatusCode, body)
	}
}
