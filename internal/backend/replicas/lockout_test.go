package replicas_test

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

func TestLockoutHoldsAcrossReplicasOnSQLite(t *testing.T) {
	testLockoutHoldsAcrossReplicas(t, filepath.Join(t.TempDir(), "shared.db"))
}

func TestLockoutHoldsAcrossReplicasOnPostgreSQL(t *testing.T) {
	testLockoutHoldsAcrossReplicas(t, pgtest.Database(t))
}

// A burst of wrong passwords for one account, sent at once to both replicas, gets no more
// password checks than the same guesses sent one after another: the lockout counts every one.
func testLockoutHoldsAcrossReplicas(t *testing.T, db string) {
	ctx := context.Background()
	replicas := startReplicas(t, db, 2)
	admin := adminCaller()
	portal, err := admin.want(ctx, replicas[0], http.MethodPost, "/v3/portals", `{"name":"lockout","authentication_enabled":true}`, http.StatusCreated)
	if err != nil {
		t.Fatal(err)
	}
	portalID := str(portal["id"])
	if _, err := signUpDeveloper(ctx, admin, replicas, portalID, "target@example.com"); err != nil {
		t.Fatal(err)
	}
	maxFailures := core.DefaultSelfServiceLimits.ClientLockout.MaxFailures
	guesses := 10 * maxFailures
	statuses := make([]int, guesses)
	errs := make([]error, guesses)
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := developerCaller().do(ctx, replicas[i%len(replicas)], http.MethodPost, "/portals/"+portalID+"/api/v3/developer/authenticate",
				`{"username":"target@example.com","password":"not the password 123"}`)
			statuses[i], errs[i] = a.status, err
		}()
	}
	wg.Wait()
	checked := 0
	for i, status := range statuses {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch status {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("guess %d answered %d, want 401 or 429", i, status)
		}
	}
	if checked > maxFailures {
		t.Errorf("%d of %d simultaneous guesses had their password checked; the lockout allows %d", checked, guesses, maxFailures)
	}
}
