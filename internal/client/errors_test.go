package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestDecodeAPIError(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		wantError   string
		wantDetail  string
		notFound    bool
		conflict    bool
		invalidName string
	}{
		{
			name:       "problem document",
			status:     404,
			body:       `{"status":404,"title":"Not Found","instance":"kong:trace:1","detail":"Portal not found"}`,
			wantError:  "GET /v3/portals/x: 404 Not Found: Portal not found",
			wantDetail: "Portal not found",
			notFound:   true,
		},
		{
			name:        "invalid parameters",
			status:      400,
			body:        `{"status":400,"title":"Bad Request","instance":"i","detail":"Invalid request","invalid_parameters":[{"field":"name","rule":"required","reason":"is a required field"}]}`,
			wantError:   "GET /v3/portals/x: 400 Bad Request: Invalid request; name: is a required field",
			wantDetail:  "Invalid request\nname: is a required field",
			invalidName: "name",
		},
		{
			name:       "conflict",
			status:     409,
			body:       `{"status":409,"title":"Conflict","instance":"i","detail":"in use"}`,
			wantError:  "GET /v3/portals/x: 409 Conflict: in use",
			wantDetail: "in use",
			conflict:   true,
		},
		{
			name:       "plain text body",
			status:     502,
			body:       "upstream down\n",
			wantError:  "GET /v3/portals/x: 502 Bad Gateway: upstream down",
			wantDetail: "upstream down",
		},
		{
			name:       "empty body",
			status:     401,
			body:       "",
			wantError:  "GET /v3/portals/x: 401 Unauthorized",
			wantDetail: "401 Unauthorized",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeAPIError("GET", "/v3/portals/x", tt.status, []byte(tt.body))
			if got := e.Error(); got != tt.wantError {
				t.Errorf("Error() = %q, want %q", got, tt.wantError)
			}
			if got := e.DetailText(); got != tt.wantDetail {
				t.Errorf("DetailText() = %q, want %q", got, tt.wantDetail)
			}
			wrapped := fmt.Errorf("reading: %w", e)
			if IsNotFound(wrapped) != tt.notFound || IsConflict(wrapped) != tt.conflict {
				t.Errorf("IsNotFound = %v, IsConflict = %v", IsNotFound(wrapped), IsConflict(wrapped))
			}
			if tt.invalidName != "" && (len(e.InvalidParameters) != 1 || e.InvalidParameters[0].Field != tt.invalidName) {
				t.Errorf("InvalidParameters = %+v", e.InvalidParameters)
			}
		})
	}
}

func TestAPIErrorFromServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":404,"title":"Not Found","instance":"kong:trace:9","detail":"Strategy not found"}`))
	}))
	t.Cleanup(srv.Close)
	_, err := newTestClient(t, srv.URL, 0).GetAuthStrategy(context.Background(), "s1")
	if !IsNotFound(err) {
		t.Fatalf("error = %v, want not found", err)
	}
	if IsNotFound(nil) || IsConflict(fmt.Errorf("plain")) {
		t.Error("non-API errors must not match")
	}
}
