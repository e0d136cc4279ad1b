package httpapi

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// goErrorHeaders are the headers net/http writes, in one Write on the raw connection, when it
// answers a request it could not parse (bad percent-encoding in the path, a malformed Host or
// method, headers over the size limit) before any handler runs.
const goErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// ProblemListener wraps ln so that the answers net/http gives on its own to requests it cannot
// parse are sent as application/problem+json, like every other error of the API, with the same
// status and net/http's reason in the detail. Responses of handlers pass through unchanged: they
// never carry those exact headers, and they go through the server's buffered writer.
func ProblemListener(ln net.Listener) net.Listener { return problemListener{ln} }

type problemListener struct{ net.Listener }

func (l problemListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return problemConn{c}, nil
}

// problemConn rewrites net/http's plain-text error answers; see ProblemListener.
type problemConn struct{ net.Conn }

func (c problemConn) Write(p []byte) (int, error) {
	if rewritten, ok := problemForGoError(p); ok {
		if _, err := c.Conn.Write(rewritten); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// problemForGoError turns one of net/http's own error answers ("HTTP/1.1 400 Bad Request: reason"
// followed by goErrorHeaders and a plain body) into a problem+json answer, and reports whether p
// was one.
func problemForGoError(p []byte) ([]byte, bool) {
	statusLine, _, found := bytes.Cut(p, []byte(goErrorHeaders))
	if !found || !bytes.HasPrefix(statusLine, []byte("HTTP/1.1 4")) || bytes.ContainsAny(statusLine, "\r\n") {
		return nil, false
	}
	codeText, reason, _ := strings.Cut(strings.TrimPrefix(string(statusLine), "HTTP/1.1 "), " ")
	status, err := strconv.Atoi(codeText)
	if err != nil || http.StatusText(status) == "" {
		return nil, false
	}
	_, why, _ := strings.Cut(reason, ": ")
	detail := "The server could not read the request: " + http.StatusText(status) + "."
	switch {
	case status == http.StatusRequestHeaderFieldsTooLarge:
		detail = "The request line and headers are larger than the server accepts: send fewer or shorter headers."
	case why != "":
		detail = "The server could not read the request (" + why + "): check the request line and headers."
	case status == http.StatusBadRequest:
		detail = "The server could not read the request line or headers: check that the path is correctly " +
			"percent-encoded (a % must be followed by two hexadecimal digits), and the method and Host header are valid."
	}
	title := titles[status]
	if title == "" {
		title = http.StatusText(status)
	}
	body, err := json.Marshal(problem{Status: status, Title: title, Instance: traceID(), Detail: detail})
	if err != nil {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + codeText + " " + http.StatusText(status) + "\r\n")
	b.WriteString("Content-Type: application/problem+json\r\n")
	b.WriteString("X-Content-Type-Options: nosniff\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b.WriteString("Connection: close\r\n\r\n")
	b.Write(body)
	return b.Bytes(), true
}
