package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/web"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// benchSite is a website over a real store in a temporary directory, seeded in one transaction
// with a public portal, apis published APIs, and a specification of specLines lines on the first.
func benchSite(b *testing.B, apis, specLines int) (*web.Site, core.Portal, string) {
	svc, portal, slug := benchService(b, apis, specLines)
	return web.New(svc, nil), portal, slug
}

// benchService seeds the store of benchSite and returns the service over it.
func benchService(b *testing.B, apis, specLines int) (*service.Service, core.Portal, string) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	now := time.Now().UTC()
	portal := core.NewPortal(core.PortalInput{Name: core.Val("Bench Portal"), AuthenticationEnabled: core.Val(false)},
		"7f9c2ba4-e88f-4a61-9c7d-0d2b3f6c1a01", core.DefaultRegion, now)
	var firstSlug string
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertPortal(ctx, portal); err != nil {
			return err
		}
		for i := range apis {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			a := core.NewAPI(core.APIInput{Name: core.Val(fmt.Sprintf("API %04d", i)),
				Description: core.Val(fmt.Sprintf("Operations of business area %d, with orders, payments and parcels.", i))},
				id, core.DefaultRegion, now)
			if i == 0 {
				firstSlug = a.Slug
			}
			if err := tx.InsertAPI(ctx, a); err != nil {
				return err
			}
			if err := tx.PutPublication(ctx, core.Publication{APIID: id, PortalID: portal.ID, Region: core.DefaultRegion,
				Visibility: core.VisibilityPublic, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			if i == 0 && specLines > 0 {
				if err := tx.InsertAPIVersion(ctx, core.APIVersion{ID: "10000000-0000-4000-8000-000000000000",
					Region: core.DefaultRegion, APIID: id, Version: "1.0.0", SpecType: core.SpecTypeOpenAPI3,
					SpecContent: string(apispectest.SyntheticOpenAPI(specLines)), CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return service.New(st, nil), portal, firstSlug
}

// reportPercentiles reports the median and 99th percentile of durations in milliseconds.
func reportPercentiles(b *testing.B, durations []time.Duration) {
	b.Helper()
	slices.Sort(durations)
	ms := func(q float64) float64 {
		return float64(durations[min(len(durations)-1, int(q*float64(len(durations))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// benchPage requests path b.N times and reports the median and 99th percentile of the
// server-side time per page, in milliseconds.
func benchPage(b *testing.B, site *web.Site, portal core.Portal, path string) {
	b.Helper()
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = portal.DefaultDomain
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, req)
		return rec
	}
	if rec := get(); rec.Code != http.StatusOK {
		b.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body.String())
	}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		rec := get()
		durations = append(durations, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
	}
	b.StopTimer()
	reportPercentiles(b, durations)
}

// BenchmarkCatalogue renders the catalogue of a portal with 1,000 published APIs (goal: p50
// under 20 ms).
func BenchmarkCatalogue(b *testing.B) {
	site, portal, _ := benchSite(b, 1000, 0)
	benchPage(b, site, portal, "/apis")
}

// BenchmarkAPIPage renders the page of an API whose specification has 5,000 lines (goal: p99
// under 50 ms); the specification is parsed on the first view only.
func BenchmarkAPIPage(b *testing.B) {
	site, portal, slug := benchSite(b, 1, 5000)
	benchPage(b, site, portal, "/apis/"+slug)
}

// BenchmarkAPIPageFirstView renders the same page on a fresh site each time, so that every view
// parses the 5,000-line specification and renders its reference: the cost of the first view of a
// version, which later views do not pay.
func BenchmarkAPIPageFirstView(b *testing.B) {
	svc, portal, slug := benchService(b, 1, 5000)
	b.ReportAllocs()
	durations := make([]time.Duration, 0, b.N)
	for range b.N {
		b.StopTimer()
		site := web.New(svc, nil)
		req := httptest.NewRequest(http.MethodGet, "/apis/"+slug, nil)
		req.Host = portal.DefaultDomain
		rec := httptest.NewRecorder()
		b.StartTimer()
		start := time.Now()
		site.ServeHTTP(rec, req)
		durations = append(durations, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	reportPercentiles(b, durations)
}
