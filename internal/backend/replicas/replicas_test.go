// Package replicas_test runs two backends on one database, as two replicas behind a load
// balancer run, drives a seeded random mix of admin and developer operations through both at
// once, and then checks the invariants that must hold whichever replica served what.
package replicas_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/replicatest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

var (
	loadDuration = flag.Duration("replicas.duration", 10*time.Second, "how long the load runs against the replicas")
	loadSeed     = flag.Uint64("replicas.seed", 0, "seed of the operation mix; 0 picks one and logs it")
	loadWorkers  = flag.Int("replicas.workers", 8, "how many clients send operations at once")
)

const testPassword = "lantern harbour quill 47"

// startReplicas starts n backends on the database db (a SQLite file or a PostgreSQL URL), each
// with its own connection pool and caches, and returns their base URLs.
func startReplicas(t *testing.T, db string, n int) []string {
	t.Helper()
	limits := core.DefaultSelfServiceLimits
	limits.LoginsPerAddress.Max, limits.SignUpsPerAddress.Max, limits.ResetsPerAddress.Max = 1_000_000, 1_000_000, 1_000_000
	urls := make([]string, n)
	logs := &errorLog{}
	t.Cleanup(func() {
		if t.Failed() {
			logs.report(t)
		}
	})
	for i := range urls {
		srv, err := backend.New(context.Background(), backend.Config{
			DBPath: db, AdminToken: adminToken, PasswordIterations: 1000, Limits: &limits, PasswordHashingSlots: 4,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})).With("replica", i),
		})
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(func() {
			hs.Close()
			if err := srv.Close(); err != nil {
				t.Errorf("closing replica %d: %v", i, err)
			}
		})
		urls[i] = hs.URL
	}
	return urls
}

// errorLog keeps the first error lines the replicas log, to show why a request failed.
type errorLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *errorLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) < 20 {
		l.lines = append(l.lines, strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (l *errorLog) report(t *testing.T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		t.Log(line)
	}
}

func TestMain(m *testing.M) { os.Exit(replicatest.Main(m)) }

func TestReplicasOnOneSQLiteFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shared.db")
	runReplicaLoad(t, startReplicas(t, db, 2), adminCaller())
}

// TestReplicasOnOnePostgreSQLDatabase is skipped, saying why, where no PostgreSQL server can be
// started or named (pgtest).
func TestReplicasOnOnePostgreSQLDatabase(t *testing.T) {
	runReplicaLoad(t, startReplicas(t, pgtest.Database(t), 2), adminCaller())
}

// TestReplicaProcessesOnOnePostgreSQLDatabase runs the load against two `serve` processes of the
// real binary, as production runs them, with the production limits: sign-ups from the one test
// address soon meet theirs.
func TestReplicaProcessesOnOnePostgreSQLDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary twice; -short leaves it out")
	}
	c := replicatest.Start(t, 2, replicatest.Options{DB: pgtest.Database(t)})
	runReplicaLoad(t, c.URLs(), adminCallerWith(c.Token))
}

// world is what the load knows of the objects it made, shared by the workers.
type world struct {
	replicas   []string
	admin      *caller
	portalID   string
	strategies []string
	services   []gatewayService
	devs       []*caller
	devBase    string

	mu    sync.Mutex
	apis  []string
	apps  []application
	keys  map[string]string // credential id → hash of its secret
	stats map[string]map[int]int
	fails []string
}

type gatewayService struct{ controlPlaneID, id string }

type application struct {
	id  string
	dev int
}

func (w *world) record(op string, a answer, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stats[op] == nil {
		w.stats[op] = map[int]int{}
	}
	w.stats[op][a.status]++
	switch {
	case err != nil:
		w.fails = append(w.fails, fmt.Sprintf("%s: %v", op, err))
	case mustSucceed[op] && a.status >= 300 && a.status != http.StatusTooManyRequests:
		w.fails = append(w.fails, fmt.Sprintf("%s: status %d: %s", op, a.status, a.raw))
	case a.status >= 500 || a.status == http.StatusUnauthorized:
		// An admin token or session valid on one replica is valid on every one, and no race
		// between replicas may surface as a server error.
		w.fails = append(w.fails, fmt.Sprintf("%s: status %d: %s", op, a.status, a.raw))
	}
}

// mustSucceed are the operations that no concurrent change can make fail; only a limit (429) can.
var mustSucceed = map[string]bool{"list links": true, "list pending devs": true, "list pending regs": true,
	"edit strategy": true, "sign up": true, "gateway data": true, "node config": true}

func (w *world) pickAPI(rng *rand.Rand) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.apis) == 0 {
		return "00000000-0000-4000-8000-000000000000"
	}
	return w.apis[rng.IntN(len(w.apis))]
}

func (w *world) pickApp(rng *rand.Rand) (application, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.apps) == 0 {
		return application{}, false
	}
	return w.apps[rng.IntN(len(w.apps))], true
}

func runReplicaLoad(t *testing.T, replicas []string, admin *caller) {
	ctx := context.Background()
	seed := *loadSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("operation mix seed %d (rerun with -replicas.seed=%d)", seed, seed)
	w := setUpWorld(t, ctx, replicas, admin)

	// Each replica computes and caches every control plane's node configuration before the load,
	// so that the check afterwards sees whether the other replica's commits reach the cache.
	for _, r := range replicas {
		for _, cp := range w.controlPlanes() {
			if _, err := w.admin.want(ctx, r, http.MethodGet, "/v2/control-planes/"+cp+"/node-config", "", http.StatusOK); err != nil {
				t.Fatal(err)
			}
		}
	}

	duration := *loadDuration
	if testing.Short() {
		duration = min(duration, 2*time.Second)
	}
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := range *loadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			for n := 0; time.Now().Before(deadline); n++ {
				w.step(ctx, rng, fmt.Sprintf("%d-%d", i, n))
			}
		}()
	}
	wg.Wait()
	w.mu.Lock()
	ops := make([]string, 0, len(w.stats))
	for op := range w.stats {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		t.Logf("%-22s %v", op, w.stats[op])
	}
	for i, f := range w.fails {
		if i == 20 {
			t.Errorf("… and %d more", len(w.fails)-i)
			break
		}
		t.Error(f)
	}
	w.mu.Unlock()
	checkInvariants(t, ctx, w)
}

func setUpWorld(t *testing.T, ctx context.Context, replicas []string, admin *caller) *world {
	t.Helper()
	w := &world{replicas: replicas, admin: admin, keys: map[string]string{}, stats: map[string]map[int]int{}}
	must := func(b map[string]any, err error) map[string]any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	r0, r1 := replicas[0], replicas[len(replicas)-1]
	portal := must(w.admin.want(ctx, r0, http.MethodPost, "/v3/portals",
		`{"name":"replicas","authentication_enabled":true,"auto_approve_developers":false,"auto_approve_applications":false}`,
		http.StatusCreated))
	w.portalID = str(portal["id"])
	w.devBase = "/portals/" + w.portalID + "/api/v3"
	for i := range 2 {
		s := must(w.admin.want(ctx, replicas[i%len(replicas)], http.MethodPost, "/v2/application-auth-strategies",
			fmt.Sprintf(`{"name":"keys-%d","display_name":"Keys %d","strategy_type":"key_auth","configs":{"key-auth":{"key_names":["x-key-%d"]}}}`, i, i, i),
			http.StatusCreated))
		w.strategies = append(w.strategies, str(s["id"]))
	}
	for c := range 2 {
		cp := must(w.admin.want(ctx, replicas[c%len(replicas)], http.MethodPost, "/v2/control-planes", fmt.Sprintf(`{"name":"cp-%d"}`, c), http.StatusCreated))
		for s := range 4 {
			svc := must(w.admin.want(ctx, r1, http.MethodPost, "/v2/control-planes/"+str(cp["id"])+"/core-entities/services",
				fmt.Sprintf(`{"name":"svc-%d-%d","host":"upstream.example","port":443,"protocol":"https"}`, c, s), http.StatusCreated))
			w.services = append(w.services, gatewayService{controlPlaneID: str(cp["id"]), id: str(svc["id"])})
		}
	}
	// Developers sign up through one replica, verify and log in through the other: the
	// outbox, the tokens and the session live in the database.
	for i := range 3 {
		dev, err := signUpDeveloper(ctx, w.admin, replicas, w.portalID, fmt.Sprintf("dev-%d@example.com", i))
		if err != nil {
			t.Fatal(err)
		}
		w.devs = append(w.devs, dev)
	}
	return w
}

// signUpDeveloper signs a developer up through the first replica, verifies the address and sets
// the password through the last, has the admin approve the account and logs in, alternating.
func signUpDeveloper(ctx context.Context, admin *caller, replicas []string, portalID, email string) (*caller, error) {
	r0, r1 := replicas[0], replicas[len(replicas)-1]
	base := "/portals/" + portalID + "/api/v3"
	dev := developerCaller()
	if _, err := dev.want(ctx, r0, http.MethodPost, base+"/developer", `{"email":"`+email+`","full_name":"Dev"}`, http.StatusCreated); err != nil {
		return nil, err
	}
	outbox, err := admin.want(ctx, r1, http.MethodGet, "/v3/portals/"+portalID+"/outbox", "", http.StatusOK)
	if err != nil {
		return nil, err
	}
	token := ""
	for _, m := range outbox["data"].([]any) {
		if msg := obj(m); msg["to"] == email {
			token = str(msg["token"])
		}
	}
	verified, err := dev.want(ctx, r1, http.MethodPost, base+"/developer/verify-email", `{"token":"`+token+`"}`, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	if _, err := dev.want(ctx, r0, http.MethodPost, base+"/developer/reset-password",
		`{"token":"`+str(verified["token"])+`","password":"`+testPassword+`"}`, http.StatusNoContent); err != nil {
		return nil, err
	}
	devs, err := admin.want(ctx, r1, http.MethodGet, "/v3/portals/"+portalID+"/developers?filter[email]="+email, "", http.StatusOK)
	if err != nil {
		return nil, err
	}
	list, _ := devs["data"].([]any)
	if len(list) != 1 {
		return nil, fmt.Errorf("%d developers have the address %s", len(list), email)
	}
	if _, err := admin.want(ctx, r0, http.MethodPatch, "/v3/portals/"+portalID+"/developers/"+str(obj(list[0])["id"]),
		`{"status":"approved"}`, http.StatusOK); err != nil {
		return nil, err
	}
	if _, err := dev.want(ctx, r1, http.MethodPost, base+"/developer/authenticate",
		`{"username":"`+email+`","password":"`+testPassword+`"}`, http.StatusNoContent); err != nil {
		return nil, err
	}
	_, err = dev.want(ctx, r0, http.MethodGet, base+"/developer/me", "", http.StatusOK)
	return dev, err
}

func (w *world) controlPlanes() []string {
	var out []string
	for _, s := range w.services {
		if !slices.Contains(out, s.controlPlaneID) {
			out = append(out, s.controlPlaneID)
		}
	}
	return out
}

// step sends one operation, picked at random, to a replica picked at random.
func (w *world) step(ctx context.Context, rng *rand.Rand, tag string) {
	r := w.replicas[rng.IntN(len(w.replicas))]
	admin := func(op, method, path, body string) answer {
		a, err := w.admin.do(ctx, r, method, path, body)
		w.record(op, a, err)
		return a
	}
	strategy := w.strategies[rng.IntN(len(w.strategies))]
	switch n := rng.IntN(100); {
	case n < 10:
		a := admin("create api", http.MethodPost, "/v3/apis", fmt.Sprintf(`{"name":"api-%d","version":"v1"}`, rng.IntN(12)))
		if a.status == http.StatusCreated {
			w.mu.Lock()
			w.apis = append(w.apis, str(a.body["id"]))
			w.mu.Unlock()
		}
	case n < 12:
		api := w.pickAPI(rng)
		if a := admin("delete api", http.MethodDelete, "/v3/apis/"+api, ""); a.status == http.StatusNoContent {
			w.mu.Lock()
			w.apis = slices.DeleteFunc(w.apis, func(id string) bool { return id == api })
			w.mu.Unlock()
		}
	case n < 22:
		strategies := `null`
		if rng.IntN(4) > 0 {
			strategies = `["` + strategy + `"]`
		}
		admin("publish", http.MethodPut, "/v3/apis/"+w.pickAPI(rng)+"/publications/"+w.portalID,
			fmt.Sprintf(`{"auth_strategy_ids":%s,"visibility":"public","auto_approve_registrations":%t}`, strategies, rng.IntN(2) == 0))
	case n < 26:
		admin("unpublish", http.MethodDelete, "/v3/apis/"+w.pickAPI(rng)+"/publications/"+w.portalID, "")
	case n < 36:
		s := w.services[rng.IntN(len(w.services))]
		admin("link", http.MethodPost, "/v3/apis/"+w.pickAPI(rng)+"/implementations",
			`{"service":{"control_plane_id":"`+s.controlPlaneID+`","id":"`+s.id+`"}}`)
	case n < 41:
		api := w.pickAPI(rng)
		a := admin("list links", http.MethodGet, "/v3/api-implementations?filter[api_id][eq]="+api, "")
		if data, _ := a.body["data"].([]any); len(data) > 0 {
			admin("unlink", http.MethodDelete, "/v3/apis/"+api+"/implementations/"+str(obj(data[0])["id"]), "")
		}
	case n < 43:
		admin("edit strategy", http.MethodPatch, "/v2/application-auth-strategies/"+strategy,
			fmt.Sprintf(`{"configs":{"key-auth":{"key_names":["x-key-%s"]}}}`, tag))
	case n < 46:
		a, err := developerCaller().do(ctx, r, http.MethodPost, w.devBase+"/developer",
			`{"email":"signup-`+tag+`@example.com","full_name":"Someone `+tag+`"}`)
		w.record("sign up", a, err)
	case n < 48:
		a := admin("list pending devs", http.MethodGet, "/v3/portals/"+w.portalID+"/developers?filter[status]=pending", "")
		if data, _ := a.body["data"].([]any); len(data) > 0 {
			id := str(obj(data[rng.IntN(len(data))])["id"])
			admin("approve developer", http.MethodPatch, "/v3/portals/"+w.portalID+"/developers/"+id, `{"status":"approved"}`)
		}
	case n < 53:
		d := rng.IntN(len(w.devs))
		a, err := w.devs[d].do(ctx, r, http.MethodPost, w.devBase+"/applications", `{"name":"app-`+tag+`","auth_strategy_id":"`+strategy+`"}`)
		w.record("create app", a, err)
		if a.status == http.StatusCreated {
			w.mu.Lock()
			w.apps = append(w.apps, application{id: str(a.body["id"]), dev: d})
			w.mu.Unlock()
		}
	case n < 61:
		if app, ok := w.pickApp(rng); ok {
			a, err := w.devs[app.dev].do(ctx, r, http.MethodPost, w.devBase+"/applications/"+app.id+"/registrations",
				`{"api_id":"`+w.pickAPI(rng)+`"}`)
			w.record("register", a, err)
		}
	case n < 66:
		a := admin("list pending regs", http.MethodGet, "/v3/portals/"+w.portalID+"/application-registrations?filter[status]=pending", "")
		if data, _ := a.body["data"].([]any); len(data) > 0 {
			reg := obj(data[rng.IntN(len(data))])
			admin("approve registration", http.MethodPatch, "/v3/portals/"+w.portalID+"/applications/"+
				str(obj(reg["application"])["id"])+"/registrations/"+str(reg["id"]), `{"status":"approved"}`)
		}
	case n < 73:
		if app, ok := w.pickApp(rng); ok {
			a, err := w.devs[app.dev].do(ctx, r, http.MethodPost, w.devBase+"/applications/"+app.id+"/credentials",
				`{"display_name":"key-`+tag+`"}`)
			w.record("create key", a, err)
			if a.status == http.StatusCreated {
				w.mu.Lock()
				w.keys[str(a.body["id"])] = core.HashAPIKey(str(a.body["credential"]))
				w.mu.Unlock()
			}
		}
	case n < 76:
		if app, ok := w.pickApp(rng); ok {
			dev := w.devs[app.dev]
			a, err := dev.do(ctx, r, http.MethodGet, w.devBase+"/applications/"+app.id+"/credentials", "")
			w.record("list keys", a, err)
			if data, _ := a.body["data"].([]any); len(data) > 0 {
				a, err := dev.do(ctx, r, http.MethodDelete, w.devBase+"/applications/"+app.id+"/credentials/"+
					str(obj(data[rng.IntN(len(data))])["id"]), "")
				w.record("delete key", a, err)
			}
		}
	case n < 78:
		if app, ok := w.pickApp(rng); ok {
			dev := w.devs[app.dev]
			a, err := dev.do(ctx, r, http.MethodGet, w.devBase+"/applications/"+app.id+"/registrations", "")
			w.record("list registrations", a, err)
			if data, _ := a.body["data"].([]any); len(data) > 0 {
				a, err := dev.do(ctx, r, http.MethodDelete, w.devBase+"/applications/"+app.id+"/registrations/"+
					str(obj(data[rng.IntN(len(data))])["id"]), "")
				w.record("delete registration", a, err)
			}
		}
	case n < 79:
		if app, ok := w.pickApp(rng); ok {
			a, err := w.devs[app.dev].do(ctx, r, http.MethodDelete, w.devBase+"/applications/"+app.id, "")
			w.record("delete app", a, err)
			if a.status == http.StatusNoContent {
				w.mu.Lock()
				w.apps = slices.DeleteFunc(w.apps, func(other application) bool { return other.id == app.id })
				w.mu.Unlock()
			}
		}
	case n < 90:
		cp := w.services[rng.IntN(len(w.services))].controlPlaneID
		admin("gateway data", http.MethodGet, "/v2/control-planes/"+cp+"/application-auth-data", "")
	default:
		cp := w.services[rng.IntN(len(w.services))].controlPlaneID
		admin("node config", http.MethodGet, "/v2/control-planes/"+cp+"/node-config", "")
	}
}

// snapshot is the state of the objects the load touched, read through the admin API.
type snapshot struct {
	apis         []map[string]any
	links        []map[string]any
	publications map[string][]string // API id → the strategy ids of its publication on the portal
	keyNames     map[string][]string // strategy id → its key names
	apps         map[string]string   // application id → its strategy id
	registered   map[string][]string // application id → APIs of its approved registrations
	appKeys      map[string][]string // application id → hashes of its keys
}

func readSnapshot(ctx context.Context, w *world, r string) (*snapshot, error) {
	s := &snapshot{publications: map[string][]string{}, keyNames: map[string][]string{}, apps: map[string]string{},
		registered: map[string][]string{}, appKeys: map[string][]string{}}
	var err error
	if s.apis, err = w.admin.listAll(ctx, r, "/v3/apis"); err != nil {
		return nil, err
	}
	if s.links, err = w.admin.listAll(ctx, r, "/v3/api-implementations"); err != nil {
		return nil, err
	}
	pubs, err := w.admin.listAll(ctx, r, "/v3/api-publications")
	if err != nil {
		return nil, err
	}
	for _, p := range pubs {
		if str(p["portal_id"]) == w.portalID {
			s.publications[str(p["api_id"])] = strs(p["auth_strategy_ids"])
		}
	}
	for _, id := range w.strategies {
		b, err := w.admin.want(ctx, r, http.MethodGet, "/v2/application-auth-strategies/"+id, "", http.StatusOK)
		if err != nil {
			return nil, err
		}
		s.keyNames[id] = strs(obj(obj(b["configs"])["key-auth"])["key_names"])
	}
	apps, err := w.admin.listAll(ctx, r, "/v3/portals/"+w.portalID+"/applications")
	if err != nil {
		return nil, err
	}
	for _, app := range apps {
		id := str(app["id"])
		s.apps[id] = str(obj(app["auth_strategy"])["id"])
		creds, err := w.admin.listAll(ctx, r, "/v3/portals/"+w.portalID+"/applications/"+id+"/credentials")
		if err != nil {
			return nil, err
		}
		for _, c := range creds {
			hash, ok := w.keys[str(c["id"])]
			if !ok {
				return nil, fmt.Errorf("application %s holds key %s, which no operation of the load created", id, c["id"])
			}
			s.appKeys[id] = append(s.appKeys[id], hash)
		}
	}
	regs, err := w.admin.listAll(ctx, r, "/v3/portals/"+w.portalID+"/application-registrations?filter[status]=approved")
	if err != nil {
		return nil, err
	}
	for _, reg := range regs {
		app := str(obj(reg["application"])["id"])
		s.registered[app] = append(s.registered[app], str(obj(reg["api"])["id"]))
	}
	return s, nil
}

// expectedGrants is the gateway data of a control plane as the registrations, links,
// publications and keys decide it: application id → the APIs it may call and its key hashes.
func (s *snapshot) expectedGrants(controlPlaneID string) map[string]grant {
	linkedHere := map[string]bool{}
	for _, l := range s.links {
		if str(obj(l["service"])["control_plane_id"]) == controlPlaneID {
			linkedHere[str(l["api_id"])] = true
		}
	}
	out := map[string]grant{}
	for app, apis := range s.registered {
		var g grant
		for _, api := range apis {
			accepted, published := s.publications[api]
			if linkedHere[api] && published && slices.Contains(accepted, s.apps[app]) {
				g.scopes = append(g.scopes, api)
			}
		}
		if len(g.scopes) > 0 {
			g.keys = slices.Clone(s.appKeys[app])
			out[app] = g.sorted()
		}
	}
	return out
}

type grant struct{ scopes, keys []string }

func (g grant) sorted() grant {
	slices.Sort(g.scopes)
	slices.Sort(g.keys)
	return g
}

func (g grant) String() string {
	return "scopes " + strings.Join(g.scopes, ",") + " keys " + strings.Join(g.keys, ",")
}

func checkInvariants(t *testing.T, ctx context.Context, w *world) {
	snap, err := readSnapshot(ctx, w, w.replicas[0])
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, api := range snap.apis {
		key := str(api["name"]) + " " + str(api["version"])
		if other, dup := names[key]; dup {
			t.Errorf("APIs %s and %s are both named %s", other, api["id"], key)
		}
		names[key] = str(api["id"])
	}
	linkOfAPI, linkOfService := map[string]map[string]any{}, map[string]string{}
	for _, l := range snap.links {
		api, svc := str(l["api_id"]), str(obj(l["service"])["id"])
		if _, dup := linkOfAPI[api]; dup {
			t.Errorf("API %s has two service links", api)
		}
		if other, dup := linkOfService[svc]; dup {
			t.Errorf("service %s serves APIs %s and %s", svc, other, api)
		}
		linkOfAPI[api], linkOfService[svc] = l, api
	}
	t.Logf("after the load: %d APIs, %d links, %d publications, %d applications, %d keys",
		len(snap.apis), len(snap.links), len(snap.publications), len(snap.apps), len(w.keys))

	checkManagedPlugins(t, ctx, w, snap, linkOfAPI)
	for _, cp := range w.controlPlanes() {
		checkCacheFollowsOtherReplica(t, ctx, w, cp)
		want := snap.expectedGrants(cp)
		for i, r := range w.replicas {
			got, err := gatewayGrants(ctx, w, r, cp)
			if err != nil {
				t.Fatal(err)
			}
			compareGrants(t, fmt.Sprintf("replica %d, control plane %s, application-auth-data", i, cp), got, want)
		}
		checkNodeConfigs(t, ctx, w, cp, want)
	}
}

// checkManagedPlugins checks that each linked API published with a strategy has exactly one
// managed plugin, on its linked service, carrying its strategies' current key names, and that no
// other managed plugin exists.
func checkManagedPlugins(t *testing.T, ctx context.Context, w *world, snap *snapshot, linkOfAPI map[string]map[string]any) {
	t.Helper()
	managed := map[string][]map[string]any{} // API id (the plugin's scope) → its managed plugins
	for _, cp := range w.controlPlanes() {
		plugins, err := w.admin.listAll(ctx, w.replicas[1%len(w.replicas)], "/v2/control-planes/"+cp+"/core-entities/plugins")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plugins {
			if core.KAAIsManagedPlugin(str(p["name"]), strs(p["tags"])) {
				p["control_plane_id"] = cp
				api := str(obj(p["config"])["scope"])
				managed[api] = append(managed[api], p)
			}
		}
	}
	wanted := 0
	for _, api := range snap.apis {
		id := str(api["id"])
		link, linked := linkOfAPI[id]
		strategies := snap.publications[id]
		plugins := managed[id]
		delete(managed, id)
		if !linked || len(strategies) == 0 {
			if len(plugins) > 0 {
				t.Errorf("API %s (linked %t, strategies %v) has %d managed plugins, want none", id, linked, strategies, len(plugins))
			}
			continue
		}
		wanted++
		if len(plugins) != 1 {
			t.Errorf("API %s, linked and published with %v, has %d managed plugins, want one", id, strategies, len(plugins))
			continue
		}
		p := plugins[0]
		if svc := str(obj(p["service"])["id"]); svc != str(obj(link["service"])["id"]) || p["control_plane_id"] != str(obj(link["service"])["control_plane_id"]) {
			t.Errorf("API %s: managed plugin on service %s, want the linked service %v", id, svc, link["service"])
		}
		var gotIDs []string
		for _, ka := range obj(obj(p["config"])["v2_strategies"])["key_auth"].([]any) {
			sid := str(obj(ka)["strategy_id"])
			gotIDs = append(gotIDs, sid)
			if names := strs(obj(obj(ka)["config"])["key_names"]); !slices.Equal(names, snap.keyNames[sid]) {
				t.Errorf("API %s: managed plugin has key names %v for strategy %s, which has %v", id, names, sid, snap.keyNames[sid])
			}
		}
		if !slices.Equal(gotIDs, strategies) {
			t.Errorf("API %s: managed plugin enforces strategies %v, the publication %v", id, gotIDs, strategies)
		}
	}
	for api, plugins := range managed {
		t.Errorf("%d managed plugins are scoped to API %s, which does not exist", len(plugins), api)
	}
	t.Logf("%d APIs are linked and published with a strategy, each with its managed plugin", wanted)
}

func gatewayGrants(ctx context.Context, w *world, r, cp string) (map[string]grant, error) {
	b, err := w.admin.want(ctx, r, http.MethodGet, "/v2/control-planes/"+cp+"/application-auth-data", "", http.StatusOK)
	if err != nil {
		return nil, err
	}
	out := map[string]grant{}
	for _, a := range b["applications"].([]any) {
		app := obj(a)
		out[str(app["id"])] = grant{scopes: strs(app["scopes"]), keys: strs(app["key_hashes"])}.sorted()
	}
	return out, nil
}

func compareGrants(t *testing.T, where string, got, want map[string]grant) {
	t.Helper()
	for app, g := range want {
		if got[app].String() != g.String() {
			t.Errorf("%s: application %s has %v, the registrations and keys say %v", where, app, got[app], g)
		}
	}
	for app, g := range got {
		if _, ok := want[app]; !ok {
			t.Errorf("%s: application %s has %v, the registrations grant it nothing", where, app, g)
		}
	}
}

// checkCacheFollowsOtherReplica caches the node configuration of the control plane in the last
// replica, changes the control plane through the first and waits, bounded, for the last to answer
// the new configuration.
func checkCacheFollowsOtherReplica(t *testing.T, ctx context.Context, w *world, cp string) {
	t.Helper()
	first, last := w.replicas[0], w.replicas[len(w.replicas)-1]
	path := "/v2/control-planes/" + cp + "/node-config"
	before, err := w.admin.want(ctx, last, http.MethodGet, path, "", http.StatusOK)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.admin.want(ctx, first, http.MethodPost, "/v2/control-planes/"+cp+"/core-entities/services",
		`{"name":"added-after-the-load","host":"late.example","port":443,"protocol":"https"}`, http.StatusCreated); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		after, err := w.admin.want(ctx, last, http.MethodGet, path, "", http.StatusOK)
		if err != nil {
			t.Fatal(err)
		}
		if after["config_hash"] != before["config_hash"] {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("control plane %s: a service added through one replica is missing from the other's node configuration", cp)
}

// checkNodeConfigs checks that every replica answers the same node configuration of the control
// plane, and that its applications agree with the registrations and keys. Each replica cached the
// configuration before the load, so a replica that missed the other's commits would answer it
// stale: the answers may take one polling interval of the change counter to agree, not more.
func checkNodeConfigs(t *testing.T, ctx context.Context, w *world, cp string, want map[string]grant) {
	t.Helper()
	var hashes []string
	var last map[string]any
	for attempt := 0; attempt < 100; attempt++ {
		hashes = hashes[:0]
		for _, r := range w.replicas {
			b, err := w.admin.want(ctx, r, http.MethodGet, "/v2/control-planes/"+cp+"/node-config", "", http.StatusOK)
			if err != nil {
				t.Fatal(err)
			}
			hashes, last = append(hashes, str(b["config_hash"])), b
		}
		if slices.Equal(slices.Compact(slices.Clone(hashes)), hashes[:1]) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(slices.Compact(slices.Clone(hashes))) != 1 {
		t.Errorf("control plane %s: the replicas answer node configurations %v", cp, hashes)
		return
	}
	got := map[string]grant{}
	for _, a := range last["applications"].([]any) {
		app := obj(a)
		var g grant
		if app["developer_status"] != "approved" {
			continue
		}
		for _, reg := range app["registrations"].([]any) {
			if r := obj(reg); r["status"] == "approved" && str(r["suspended_reason"]) == "" {
				g.scopes = append(g.scopes, str(r["api_id"]))
			}
		}
		for _, k := range app["keys"].([]any) {
			g.keys = append(g.keys, str(obj(k)["hash"]))
		}
		if len(g.scopes) > 0 {
			got[str(app["id"])] = g.sorted()
		}
	}
	compareGrants(t, "control plane "+cp+", node-config", got, want)
}
