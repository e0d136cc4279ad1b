package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
)

// GetAPIView, which reads an API without publications in one statement outside a transaction,
// answers what GetAPIWithExtras reads in a View, for an API with and without publications.
func TestGetAPIViewAgreesWithView(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		portal := testPortal(1, "published to")
		plain := core.API{ID: "api-plain", Region: portal.Region, Name: "plain", Slug: "plain",
			Labels: map[string]string{"team": "a"}, Attributes: map[string][]string{}, CreatedAt: now, UpdatedAt: now}
		published := plain
		published.ID, published.Name, published.Slug = "api-published", "published", "published"
		err := s.WithTx(ctx, func(tx *Tx) error {
			if err := tx.InsertPortal(ctx, portal); err != nil {
				return err
			}
			for _, a := range []core.API{plain, published} {
				if err := tx.InsertAPI(ctx, a); err != nil {
					return err
				}
			}
			return tx.PutPublication(ctx, core.Publication{APIID: published.ID, PortalID: portal.ID, Region: portal.Region,
				Visibility: "public", CreatedAt: now, UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{plain.ID, published.ID} {
			api, extras, err := s.GetAPIView(ctx, portal.Region, id)
			if err != nil {
				t.Fatal(err)
			}
			var wantAPI core.API
			var want APIExtras
			if err := s.View(ctx, func(tx *Tx) error {
				var err error
				wantAPI, want, err = tx.GetAPIWithExtras(ctx, portal.Region, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(api, wantAPI) || !reflect.DeepEqual(extras, want) {
				t.Errorf("GetAPIView(%s) = %+v, %+v; a View reads %+v, %+v", id, api, extras, wantAPI, want)
			}
			if id == published.ID && len(extras.Portals) != 1 {
				t.Errorf("GetAPIView(%s) shows portals %+v, want the one it is published to", id, extras.Portals)
			}
		}
		if _, _, err := s.GetAPIView(ctx, portal.Region, "missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetAPIView of a missing API: %v, want ErrNotFound", err)
		}
	})
}
