package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// partialUpdateRounds is how many times two PATCHes of one object race; a lost update showed
// within a few dozen rounds before every read-modify-write locked its row.
const partialUpdateRounds = 100

// TestConcurrentPartialUpdatesKeepEveryField sends, round after round, two PATCHes of different
// fields of one object at once, each through another replica, and then reads the object: both
// fields must hold the values of that round. On PostgreSQL the replicas' write transactions run
// side by side, and a PATCH that loaded the object before the other one committed would store the
// other field's old value back.
func TestConcurrentPartialUpdatesKeepEveryField(t *testing.T) {
	replicas := startReplicas(t, pgtest.Database(t), 2)
	ctx := context.Background()
	admin := adminCaller()
	r0 := replicas[0]
	must := func(b map[string]any, err error) map[string]any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	api := must(admin.want(ctx, r0, http.MethodPost, "/v3/apis", `{"name":"raced","description":"start"}`, http.StatusCreated))
	portal := must(admin.want(ctx, r0, http.MethodPost, "/v3/portals",
		`{"name":"raced","authentication_enabled":true,"auto_approve_developers":false,"auto_approve_applications":false}`, http.StatusCreated))
	strategy := must(admin.want(ctx, r0, http.MethodPost, "/v2/application-auth-strategies",
		`{"name":"raced-keys","display_name":"Keys","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["x-key"]}}}`, http.StatusCreated))
	must(admin.want(ctx, r0, http.MethodPut, "/v3/apis/"+str(api["id"])+"/publications/"+str(portal["id"]),
		`{"auth_strategy_ids":["`+str(strategy["id"])+`"]}`, http.StatusOK))
	dev, err := signUpDeveloper(ctx, admin, replicas, str(portal["id"]), "raced@example.com")
	if err != nil {
		t.Fatal(err)
	}
	app := must(dev.want(ctx, r0, http.MethodPost, "/portals/"+str(portal["id"])+"/api/v3/applications",
		`{"name":"raced","auth_strategy_id":"`+str(strategy["id"])+`"}`, http.StatusCreated))

	t.Run("api", func(t *testing.T) {
		path := "/v3/apis/" + str(api["id"])
		raceFields(t, replicas, admin, path,
			func(round int) string { return fmt.Sprintf(`{"description":"description %d"}`, round) },
			func(round int) string { return fmt.Sprintf(`{"slug":"raced-%d"}`, round) },
			func(round int, got map[string]any) []string {
				var lost []string
				if want := fmt.Sprintf("description %d", round); got["description"] != want {
					lost = append(lost, fmt.Sprintf("description is %v, want %q", got["description"], want))
				}
				if want := fmt.Sprintf("raced-%d", round); got["slug"] != want {
					lost = append(lost, fmt.Sprintf("slug is %v, want %q", got["slug"], want))
				}
				return lost
			})
	})
	t.Run("application", func(t *testing.T) {
		path := "/v3/portals/" + str(portal["id"]) + "/applications/" + str(app["id"])
		raceFields(t, replicas, admin, path,
			func(round int) string { return fmt.Sprintf(`{"name":"raced %d"}`, round) },
			func(round int) string { return fmt.Sprintf(`{"labels":{"round":"r%d"}}`, round) },
			func(round int, got map[string]any) []string {
				var lost []string
				if want := fmt.Sprintf("raced %d", round); got["name"] != want {
					lost = append(lost, fmt.Sprintf("name is %v, want %q", got["name"], want))
				}
				if want := fmt.Sprintf("r%d", round); obj(got["labels"])["round"] != want {
					lost = append(lost, fmt.Sprintf("labels are %v, want round %q", got["labels"], want))
				}
				return lost
			})
	})
}

// raceFields runs partialUpdateRounds rounds of two concurrent PATCHes of path, first and second,
// through different replicas (swapped every round), and checks the object read after each round.
func raceFields(t *testing.T, replicas []string, admin *caller, path string,
	first, second func(round int) string, check func(round int, got map[string]any) []string) {
	t.Helper()
	ctx := context.Background()
	for round := range partialUpdateRounds {
		bodies := []string{first(round), second(round)}
		errs := make([]error, len(bodies))
		var wg sync.WaitGroup
		for i, body := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = admin.want(ctx, replicas[(round+i)%len(replicas)], http.MethodPatch, path, body, http.StatusOK)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		got, err := admin.want(ctx, replicas[round%len(replicas)], http.MethodGet, path, "", http.StatusOK)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if lost := check(round, got); len(lost) > 0 {
			t.Fatalf("round %d: an update was lost: %v", round, lost)
		}
	}
}
