package service

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// BenchmarkCatalogue reads the first page of a catalogue of 1,000 published APIs, and a search
// through it, as the website's catalogue does on every view.
func BenchmarkCatalogue(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.DB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	now := time.Now().UTC()
	p := core.NewPortal(core.PortalInput{Name: core.Val("bench")}, "6f0c0000-0000-4000-8000-000000000000", "us", now)
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertPortal(ctx, p); err != nil {
			return err
		}
		for i := range 1000 {
			a := core.NewAPI(core.APIInput{Name: core.Val(fmt.Sprintf("API %04d", i)), Description: core.Val("Service number " + fmt.Sprint(i))},
				fmt.Sprintf("6f0c0000-0000-4000-8000-%012d", i+1), "us", now)
			if err := tx.InsertAPI(ctx, a); err != nil {
				return err
			}
			if err := tx.PutPublication(ctx, core.Publication{APIID: a.ID, PortalID: p.ID, Region: "us",
				Visibility: core.VisibilityPublic, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	svc := New(st, nil)
	for _, q := range []string{"", "number 99"} {
		b.Run(fmt.Sprintf("q=%q", q), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := svc.Catalogue(ctx, p, nil, q, store.Page{Size: 100, Number: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
