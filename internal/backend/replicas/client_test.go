package replicas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
)

const adminToken = "spat_0123456789abcdefghijABCDEFGHIJ0123456789"

// answer is one decoded reply.
type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// caller sends requests to any replica: as the admin, or as one developer whose session cookie
// (one jar for every replica: they share the host and cookies ignore the port) must work on all.
type caller struct {
	client *http.Client
	token  string // the admin token; empty for a developer
}

// adminCaller is the admin of replicas started with adminToken.
func adminCaller() *caller { return adminCallerWith(adminToken) }

func adminCallerWith(token string) *caller { return &caller{client: &http.Client{}, token: token} }

func developerCaller() *caller {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err) // cookiejar.New fails only on a bad public suffix list, which none is
	}
	return &caller{client: &http.Client{Jar: jar}}
}

// do sends body ("" for none) to base+path and decodes a JSON reply. It returns an error only
// when no reply came.
func (c *caller) do(ctx context.Context, base, method, path, body string) (answer, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.client.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	raw, err := io.ReadAll(res.Body)
	if err := errors.Join(err, res.Body.Close()); err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	a := answer{status: res.StatusCode, header: res.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			return a, fmt.Errorf("%s %s: the body is not JSON: %w: %s", method, path, err, raw)
		}
	}
	return a, nil
}

// want sends the request and fails unless the reply has the status.
func (c *caller) want(ctx context.Context, base, method, path, body string, status int) (map[string]any, error) {
	a, err := c.do(ctx, base, method, path, body)
	if err != nil {
		return nil, err
	}
	if a.status != status {
		return nil, fmt.Errorf("%s %s%s: status %d, want %d: %s", method, base, path, a.status, status, a.raw)
	}
	return a.body, nil
}

// listAll reads every item of a paged list (Konnect's page[number] or Kong's offset).
func (c *caller) listAll(ctx context.Context, base, path string) ([]map[string]any, error) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out []map[string]any
	offset := ""
	for page := 1; page <= 1000; page++ {
		url := fmt.Sprintf("%s%spage[size]=100&page[number]=%d", path, sep, page)
		if strings.Contains(path, "/core-entities/") {
			url = path + sep + "size=1000"
			if offset != "" {
				url += "&offset=" + offset
			}
		}
		b, err := c.want(ctx, base, http.MethodGet, url, "", http.StatusOK)
		if err != nil {
			return nil, err
		}
		data, _ := b["data"].([]any)
		for _, d := range data {
			out = append(out, d.(map[string]any))
		}
		if strings.Contains(path, "/core-entities/") {
			if offset = str(b["offset"]); offset == "" {
				return out, nil
			}
			continue
		}
		if len(data) < 100 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: more than 1000 pages", path)
}

func str(v any) string { s, _ := v.(string); return s }

// strs reads a JSON array of strings.
func strs(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, str(it))
	}
	return out
}

// obj reads a JSON object, empty when v is not one.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// readAll reads a reply's body as text, empty when it cannot be read.
func readAll(res *http.Response) string {
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return ""
	}
	return string(b)
}
