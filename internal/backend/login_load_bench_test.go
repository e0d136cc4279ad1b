package backend_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// BenchmarkAdminLatencyUnderLoginLoad measures the admin API's median latency while 16 clients send
// logins with wrong passwords at full production hashing cost, with the default hashing pool and
// with one large enough never to refuse (as before the pool). The limits per client address are
// off, as every client here is 127.0.0.1; the other limits keep their defaults.
//
//	go test ./internal/backend -run '^$' -bench AdminLatencyUnderLoginLoad -benchtime 200x
func BenchmarkAdminLatencyUnderLoginLoad(b *testing.B) {
	for _, c := range []struct {
		name  string
		slots int
	}{{"pool=default", 0}, {"pool=unbounded", 1024}} {
		b.Run(c.name, func(b *testing.B) {
			limits := testLimits()
			srv, err := backend.New(context.Background(), backend.Config{
				DBPath: pgtest.DB(b), AdminToken: testToken, Limits: &limits, PasswordHashingSlots: c.slots,
			})
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv.Handler())
			defer func() {
				hs.Close()
				if err := srv.Close(); err != nil {
					b.Error(err)
				}
			}()
			admin := func(method, path, body string) *http.Response {
				req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+testToken)
				req.Header.Set("Content-Type", "application/json")
				res, err := hs.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				return res
			}
			res := admin(http.MethodPost, "/v3/portals", `{"name":"load","authentication_enabled":true}`)
			var portal struct{ ID string }
			if err := errors.Join(json.NewDecoder(res.Body).Decode(&portal), res.Body.Close()); err != nil {
				b.Fatal(err)
			}

			stop := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			answers := map[int]int{}
			for i := range 16 {
				wg.Go(func() {
					for n := 0; ; n++ {
						select {
						case <-stop:
							return
						default:
						}
						// A new address each time, so that only the hashing pool holds the logins back.
						body := fmt.Sprintf(`{"username":"bogus-%d-%d@example.com","password":"not the password"}`, i, n)
						res, err := hs.Client().Post(hs.URL+"/portals/"+portal.ID+"/api/v3/developer/authenticate", "application/json",
							strings.NewReader(body))
						if err != nil {
							return
						}
						mu.Lock()
						answers[res.StatusCode]++
						mu.Unlock()
						_ = res.Body.Close()
						if res.StatusCode == http.StatusTooManyRequests {
							time.Sleep(10 * time.Millisecond)
						}
					}
				})
			}
			time.Sleep(200 * time.Millisecond) // let the logins pile up
			latencies := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				res := admin(http.MethodGet, "/v3/portals", "")
				_ = res.Body.Close()
				latencies = append(latencies, time.Since(start))
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			slices.Sort(latencies)
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latencies[len(latencies)*9/10].Microseconds())/1000, "p90-ms")
			b.Logf("login answers: %v", answers)
		})
	}
}
