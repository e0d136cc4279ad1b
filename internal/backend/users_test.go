package backend_test

import (
	"net/http"
	"testing"
	"time"
)

// GET /v3/users/me names the owner of the admin token, in every region, and answers 401 for
// any other token, so that a client can check its token with one request.
func TestCurrentUser(t *testing.T) {
	ts := startServer(t, "")
	for _, prefix := range []string{"", "/eu", "/sg"} {
		me := ts.do(http.MethodGet, prefix+"/v3/users/me", "").must(t, http.StatusOK)
		if me["id"] != "bootstrap" || me["full_name"] != "Bootstrap administrator" || me["active"] != true {
			t.Errorf("%s/v3/users/me = %v", prefix, me)
		}
		if _, err := time.Parse(time.RFC3339, str(me["created_at"])); err != nil {
			t.Errorf("created_at: %v", err)
		}
	}
	b := ts.doWith(http.MethodGet, "/v3/users/me", "",
		map[string]string{"Authorization": "Bearer spat_notthetokennotthetokennotthetoken"}).problem(t, http.StatusUnauthorized)
	if b["detail"] != "Invalid credentials: the bearer token is not a valid admin token." {
		t.Errorf("detail = %v", b["detail"])
	}
	ts.do(http.MethodDelete, "/v3/users/me", "").problem(t, http.StatusMethodNotAllowed)
}
