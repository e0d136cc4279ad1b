package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

func TestProblemForGoError(t *testing.T) {
	tests := []struct {
		name       string
		written    string
		wantStatus int // 0: passed through unchanged
	}{
		{"bad request", "HTTP/1.1 400 Bad Request" + goErrorHeaders + "400 Bad Request", 400},
		{"bad request with a reason", "HTTP/1.1 400 Bad Request: malformed Host header" + goErrorHeaders +
			"400 Bad Request: malformed Host header", 400},
		{"headers too large", "HTTP/1.1 431 Request Header Fields Too Large" + goErrorHeaders +
			"431 Request Header Fields Too Large", 431},
		{"a handler's answer", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\n\r\n{}", 0},
		{"a server error is not ours to reword", "HTTP/1.1 501 Not Implemented" + goErrorHeaders + "Unsupported transfer encoding", 0},
		{"part of a body", `{"detail":"HTTP/1.1 400 Bad Request` + goErrorHeaders + `"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := problemForGoError([]byte(tt.written))
			if tt.wantStatus == 0 {
				if ok {
					t.Fatalf("rewrote %q into %q", tt.written, got)
				}
				return
			}
			if !ok {
				t.Fatalf("left %q as it was", tt.written)
			}
			res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = res.Body.Close() }() // an in-memory body
			var p problem
			if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.wantStatus || p.Status != tt.wantStatus || res.Header.Get("Content-Type") != "application/problem+json" ||
				p.Title == "" || p.Detail == "" || p.Instance == "" || !res.Close {
				t.Errorf("got %d %q, closing %v: %+v", res.StatusCode, res.Header.Get("Content-Type"), res.Close, p)
			}
		})
	}
}
