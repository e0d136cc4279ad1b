package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// benchCase is one measured operation. build returns the operation over the seeded world; admin
// and node are the header lines that carry the admin and the node token.
type benchCase struct {
	key, title string
	// login cases are CPU-bound on password hashing by design: they are reported apart and
	// without a ceiling.
	login bool
	build func(w *world, admin, node []string) op
}

// A login refused because the server is busy hashing other passwords is tried again after
// loginRetryPause, at most loginTries times.
const (
	loginRetryPause = 20 * time.Millisecond
	loginTries      = 500
)

var cases = []benchCase{
	{key: "get", title: "GET one API", build: func(w *world, admin, _ []string) op {
		return func(c *conn, _ int, n int64) error {
			_, err := c.expect(http.StatusOK, "GET", "/v3/apis/"+w.apiIDs[n%int64(len(w.apiIDs))], admin, nil)
			return err
		}
	}},
	{key: "list", title: "list 100 APIs", build: func(w *world, admin, _ []string) op {
		pages := max(1, int64(len(w.apiIDs)/100))
		return func(c *conn, _ int, n int64) error {
			_, err := c.expect(http.StatusOK, "GET", "/v3/apis?page%5Bsize%5D=100&page%5Bnumber%5D="+strconv.FormatInt(n%pages+1, 10), admin, nil)
			return err
		}
	}},
	{key: "filter", title: "list, name filter (100 of them)", build: func(_ *world, admin, _ []string) op {
		return func(c *conn, _ int, n int64) error {
			_, err := c.expect(http.StatusOK, "GET", fmt.Sprintf("/v3/apis?page%%5Bsize%%5D=100&filter%%5Bname%%5D%%5Bcontains%%5D=api-0%d", n%10), admin, nil)
			return err
		}
	}},
	{key: "patch", title: "PATCH an API", build: func(w *world, admin, _ []string) op {
		return func(c *conn, worker int, n int64) error {
			body := []byte(`{"description":"revision ` + strconv.FormatInt(n, 10) + `"}`)
			_, err := c.expect(http.StatusOK, "PATCH", "/v3/apis/"+w.patchIDs[worker%len(w.patchIDs)], admin, body)
			return err
		}
	}},
	{key: "create-delete", title: "create + delete an API (pairs)", build: func(_ *world, admin, _ []string) op {
		return func(c *conn, _ int, n int64) error {
			out, err := c.expect(http.StatusCreated, "POST", "/v3/apis", admin, []byte(`{"name":"bench-created-`+strconv.FormatInt(n, 10)+`"}`))
			if err != nil {
				return err
			}
			var created struct{ ID string }
			if err := json.Unmarshal(out, &created); err != nil || created.ID == "" {
				return errors.New("POST /v3/apis answered no id")
			}
			_, err = c.expect(http.StatusNoContent, "DELETE", "/v3/apis/"+created.ID, admin, nil)
			return err
		}
	}},
	{key: "node-config", title: "node-config, 10,000 keys", build: func(w *world, _, node []string) op {
		path := "/v2/control-planes/" + w.controlPlaneID + "/node-config"
		return func(c *conn, _ int, _ int64) error {
			_, err := c.expect(http.StatusOK, "GET", path, node, nil)
			return err
		}
	}},
	{key: "auth-data", title: "application-auth-data, 10,000 keys", build: func(w *world, admin, _ []string) op {
		path := "/v2/control-planes/" + w.controlPlaneID + "/application-auth-data"
		return func(c *conn, _ int, _ int64) error {
			_, err := c.expect(http.StatusOK, "GET", path, admin, nil)
			return err
		}
	}},
	{key: "login", title: "developer login (production hashing)", login: true, build: func(w *world, _, _ []string) op {
		path := "/portals/" + w.loginPortalID + "/api/v3/developer/authenticate"
		return func(c *conn, _ int, n int64) error {
			body := mustJSON(map[string]string{"username": w.loginEmails[n%int64(len(w.loginEmails))], "password": loginPassword})
			// Each login from an address of its own: the per-address limits are not what is measured.
			from := []string{forwardedFor(n)}
			// While every hashing slot is busy the server answers 429 at once; a client waits and
			// tries again, and the login's latency includes that wait.
			for try := 0; ; try++ {
				status, out, err := c.do("POST", path, from, body)
				switch {
				case err != nil:
					return err
				case status == http.StatusNoContent:
					return nil
				case status != http.StatusTooManyRequests || try == loginTries:
					return fmt.Errorf("POST %s: HTTP %d, expected 204: %.300s", path, status, out)
				}
				time.Sleep(loginRetryPause)
			}
		}
	}},
}
