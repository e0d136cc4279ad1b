package service

import (
	"context"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Customization returns the customization of the portal, as the admin API shows it.
func (s *Service) Customization(ctx context.Context, region, portalID string) (core.Customization, error) {
	var c core.Customization
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		var err error
		c, err = tx.GetCustomization(ctx, portalID)
		return err
	})
	return c, err
}

// ChangeCustomization stores the portal's customization: with replace (PUT) what the request
// gives over the defaults, else (PATCH) the request merged into the current customization.
func (s *Service) ChangeCustomization(ctx context.Context, region, portalID string, in core.CustomizationInput, replace bool) (core.Customization, error) {
	if err := core.Invalid(core.ValidateCustomizationInput(in)...); err != nil {
		return core.Customization{}, err
	}
	var c core.Customization
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockForUpdate(ctx, store.LockedPortals, portalID); err != nil {
			return err
		}
		if _, err := getPortal(ctx, tx, region, portalID); err != nil {
			return err
		}
		c = core.DefaultCustomization()
		if !replace {
			var err error
			if c, err = tx.GetCustomization(ctx, portalID); err != nil {
				return err
			}
		}
		c = core.ApplyCustomizationInput(c, in)
		return tx.PutCustomization(ctx, region, portalID, c, s.now())
	})
	return c, err
}
