package mailpittest

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Client reads a Mailpit's messages through its HTTP API (/api/v1).
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// Address is a mailbox as Mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is a message in a list.
type Summary struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
	Created   time.Time
	Snippet   string
}

// Message is one message with its parts.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
	Date      time.Time
	// Text and HTML are the plain-text and HTML parts; empty when the message has none.
	Text string
	HTML string
}

// Messages returns the messages Mailpit holds, newest first (at most 1,000).
func (c *Client) Messages(ctx context.Context) ([]Summary, error) {
	var out struct{ Messages []Summary }
	err := c.get(ctx, "/api/v1/messages?limit=1000", &out)
	return out.Messages, err
}

// MessagesTo returns the messages to the address, newest first.
func (c *Client) MessagesTo(ctx context.Context, address string) ([]Summary, error) {
	var out struct{ Messages []Summary }
	err := c.get(ctx, "/api/v1/search?limit=1000&query="+url.QueryEscape(`to:"`+address+`"`), &out)
	return out.Messages, err
}

// Message returns one message with its parts.
func (c *Client) Message(ctx context.Context, id string) (Message, error) {
	var m Message
	err := c.get(ctx, "/api/v1/message/"+url.PathEscape(id), &m)
	return m, err
}

// DeleteAll deletes every message.
func (c *Client) DeleteAll(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.BaseURL+"/api/v1/messages", nil)
	if err != nil {
		return err
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit: delete messages: %w", err)
	}
	defer func() { _ = res.Body.Close() }() // a failed close of a response tells nothing
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit: delete messages: status %d", res.StatusCode)
	}
	return nil
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return err
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("mailpit: GET %s: %w", path, err)
	}
	defer func() { _ = res.Body.Close() }() // a failed close of a response tells nothing
	body, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		return fmt.Errorf("mailpit: GET %s: %w", path, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit: GET %s: status %d: %s", path, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("mailpit: GET %s: %w", path, err)
	}
	return nil
}

// WaitForMessageTo waits until a message to the address arrives and returns the newest one. It
// fails the test after timeout.
func (c *Client) WaitForMessageTo(t testing.TB, address string, timeout time.Duration) Message {
	t.Helper()
	msgs := c.WaitForMessagesTo(t, address, 1, timeout)
	return msgs[0]
}

// WaitForMessagesTo waits until at least n messages to the address have arrived and returns
// them, newest first. It fails the test after timeout.
func (c *Client) WaitForMessagesTo(t testing.TB, address string, n int, timeout time.Duration) []Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		list, err := c.MessagesTo(ctx, address)
		if err == nil && len(list) >= n {
			out := make([]Message, 0, len(list))
			for _, s := range list {
				m, err := c.Message(ctx, s.ID)
				if err != nil {
					t.Fatalf("mailpittest: %v", err)
				}
				out = append(out, m)
			}
			return out
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("mailpittest: %d message(s) to %s expected within %s, found %d (last error: %v)", n, address, timeout, len(list), lastErr)
			return nil
		case <-tick.C:
		}
	}
}

// WaitForLinkTo waits until a message to the address carries an absolute link whose path is path
// (such as "/verify-email") and returns the link of the newest such message. It fails the test
// after timeout.
func (c *Client) WaitForLinkTo(t testing.TB, address, path string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	seen := 0
	for {
		list, _ := c.MessagesTo(ctx, address) // an error is retried until the deadline
		seen = max(seen, len(list))
		for _, s := range list {
			if m, err := c.Message(ctx, s.ID); err == nil {
				if link, ok := m.LinkTo(path); ok {
					return link
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("mailpittest: no message to %s with a link to %s within %s (%d message(s) to it)", address, path, timeout, seen)
			return ""
		case <-tick.C:
		}
	}
}

var (
	hrefPattern = regexp.MustCompile(`(?i)\bhref\s*=\s*"([^"]*)"`)
	urlPattern  = regexp.MustCompile(`https?://[^\s<>"')\]]+`)
)

// Links returns the absolute links of the message in order of appearance: those of the HTML
// part's href attributes, then those written out in the plain-text part.
func (m Message) Links() []string {
	var out []string
	for _, match := range hrefPattern.FindAllStringSubmatch(m.HTML, -1) {
		out = append(out, html.UnescapeString(match[1]))
	}
	for _, link := range urlPattern.FindAllString(m.Text, -1) {
		out = append(out, strings.TrimRight(link, ".,;:"))
	}
	return out
}

// LinkTo returns the first absolute link of the message whose path is path, such as
// "/verify-email"; ok is false when there is none.
func (m Message) LinkTo(path string) (link string, ok bool) {
	for _, l := range m.Links() {
		u, err := url.Parse(l)
		if err == nil && u.IsAbs() && u.Path == path {
			return l, true
		}
	}
	return "", false
}
