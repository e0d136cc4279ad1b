// Package acctest runs the bundled backend in-process for acceptance tests
// and hands the tests a provider factory, an API client and helpers.
package acctest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/conformance"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/provider"
)

// ProviderName is the local name of the provider in test configurations.
const ProviderName = "devportal"

// ProtoV6ProviderFactories serves the provider under test in-process.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.New("test")()),
}

// started is the backend shared by every test of one test binary.
var started struct {
	baseURL     string // "http://127.0.0.1:PORT", no trailing slash
	token       string
	conformance *conformance.Recorder // nil when the Konnect documents are not available
}

// Main starts one backend when TF_ACC is set, points the provider at it
// through DEVPORTAL_SERVER_URL and DEVPORTAL_TOKEN, runs the tests and stops
// it. Use it from TestMain: os.Exit(acctest.Main(m)).
func Main(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	stop, err := start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: starting the backend:", err)
		return 1
	}
	defer stop()
	code := m.Run()
	if started.conformance != nil {
		if err := started.conformance.Err(); err != nil {
			fmt.Fprintln(os.Stderr, "acctest: responses that break the Konnect documents:", err)
			code = max(code, 1)
		}
	}
	return code
}

func start() (func(), error) {
	dir, err := os.MkdirTemp("", "devportal-acctest-")
	if err != nil {
		return nil, err
	}
	db, dropDB, err := pgtest.NewDB(context.Background(), dir, "acctest")
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	token := "spat_" + rand.Text() + rand.Text()
	// Every test signs its developers up from 127.0.0.1, in parallel: the limits per client address
	// and the hashing pool are raised so that only the tests of those limits meet them.
	limits := core.DefaultSelfServiceLimits
	limits.LoginsPerAddress.Max, limits.SignUpsPerAddress.Max, limits.ResetsPerAddress.Max = 100_000, 100_000, 100_000
	srv, err := backend.New(context.Background(), backend.Config{
		DBPath:               db,
		AdminToken:           token,
		Limits:               &limits,
		PasswordHashingSlots: 64,
	})
	if err != nil {
		_ = dropDB(context.Background())
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// discard undoes the start-up when a later step fails.
	discard := func(err error) (func(), error) {
		_ = srv.Close()
		_ = dropDB(context.Background())
		_ = os.RemoveAll(dir)
		return nil, err
	}
	// Every exchange of the run is checked against the Konnect documents when they are at hand.
	handler := srv.Handler()
	if specsDir, err := conformance.SpecsDir(); err != nil {
		fmt.Fprintln(os.Stderr, "acctest: responses are not checked against the Konnect documents:", err)
	} else if specs, err := conformance.LoadCached(specsDir); err != nil {
		return discard(err)
	} else {
		handler, started.conformance = conformance.Middleware(specs, handler)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return discard(err)
	}
	hs := &httptest.Server{Listener: l, Config: &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}}
	hs.Start()

	started.baseURL = hs.URL
	started.token = token
	stop := func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "acctest: closing the backend:", err)
		}
		if err := dropDB(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "acctest:", err)
		}
		_ = os.RemoveAll(dir)
	}
	// Tests choose other regions in their provider blocks; the default is us.
	err = errors.Join(
		os.Setenv(provider.EnvServerURL, ServerURL()),
		os.Setenv(provider.EnvToken, token),
		os.Unsetenv(provider.EnvRegion),
	)
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// PreCheck skips the test without TF_ACC and fails it when the backend is not running.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1")
	}
	if started.baseURL == "" {
		t.Fatal("the backend is not running: call acctest.Main from TestMain and set TF_ACC=1")
	}
}

// ServerURL is the backend URL with a {region} placeholder.
func ServerURL() string { return started.baseURL + "/" + client.RegionPlaceholder }

// BaseURL is the backend URL without a region; the server serves its default region (us) there.
func BaseURL() string { return started.baseURL }

// Token is the backend's admin token.
func Token() string { return started.token }

// Client returns an API client for the default region (us), for changes
// made behind Terraform's back and for checks.
func Client(t *testing.T) *client.Client { return RegionClient(t, client.DefaultRegion) }

// RegionClient returns an API client for the given region.
func RegionClient(t *testing.T, region string) *client.Client {
	t.Helper()
	PreCheck(t)
	c, err := client.New(client.Config{
		ServerURL: ServerURL(),
		Region:    region,
		Token:     started.token,
		UserAgent: "terraform-provider-devportal/acctest",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ProviderConfig returns a provider block for another region; the URL and
// token still come from the environment.
func ProviderConfig(region string) string {
	return fmt.Sprintf("provider %q {\n  region = %q\n}\n", ProviderName, region)
}

// RandomName returns a name unique to one test run, such as "tf-acc-portal-k3j9x2mq".
func RandomName(prefix string) string {
	return "tf-acc-" + prefix + "-" + strings.ToLower(rand.Text()[:10])
}
