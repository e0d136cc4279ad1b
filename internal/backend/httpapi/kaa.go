package httpapi

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// reconcileKAA brings the managed application auth plugin of each API in line with the API's
// publications, their strategies and its service link. It runs in the caller's transaction, so a
// change and its plugin effects commit or roll back together. Every managed plugin scoped to the API
// counts as current, wherever it is, so a plugin left on a previously linked service is removed.
//
// Replicas on PostgreSQL reconcile the same API side by side: two publications, or a link and a
// publication, each committed by another transaction that saw no plugin, would leave two plugins
// or none. The lock on each API, taken before anything that decides its plugin is read, makes
// them take turns, and each reads what the one before committed.
func (a *API) reconcileKAA(ctx context.Context, tx *store.Tx, region string, apiIDs ...string) error {
	now := a.now().Unix()
	apiIDs = slices.Clone(apiIDs)
	slices.Sort(apiIDs)
	apiIDs = slices.Compact(apiIDs)
	locks := make([]string, len(apiIDs))
	for i, id := range apiIDs {
		locks[i] = kaaLockKey(region, id)
	}
	if err := tx.LockKey(ctx, locks...); err != nil {
		return err
	}
	for _, apiID := range apiIDs {
		in, err := kaaInput(ctx, tx, region, apiID)
		if err != nil {
			return err
		}
		desired, err := core.KAADesiredPlugin(in)
		if err != nil {
			return err
		}
		current, err := tx.ManagedPluginsOfAPI(ctx, region, apiID)
		if err != nil {
			return err
		}
		stored := make(map[string]core.GatewayPlugin, len(current))
		kaaCurrent := make([]core.KAAPlugin, len(current))
		for i, p := range current {
			stored[p.ID] = p
			kaaCurrent[i] = p.KAA()
		}
		var want []core.KAAPlugin
		if desired != nil {
			want = append(want, *desired)
		}
		plan := core.KAAReconcile(kaaCurrent, want)
		for _, p := range plan.Delete {
			if err := tx.DeletePlugin(ctx, region, p.ControlPlaneID, p.ID); err != nil {
				return err
			}
		}
		for _, p := range plan.Update {
			if err := tx.PutPlugin(ctx, core.ManagedGatewayPlugin(p, region, apiID, stored[p.ID].CreatedAt, now)); err != nil {
				return err
			}
		}
		for _, p := range plan.Create {
			p.ID = uuid.NewString()
			if err := tx.PutPlugin(ctx, core.ManagedGatewayPlugin(p, region, apiID, now, now)); err != nil {
				return err
			}
		}
	}
	return nil
}

// kaaLockKey names the lock that the reconciliations of one API's managed plugin take turns on.
func kaaLockKey(region, apiID string) string { return "kaa:" + region + ":" + apiID }

// kaaInput loads what decides the managed plugin of one API.
func kaaInput(ctx context.Context, tx *store.Tx, region, apiID string) (core.KAAInput, error) {
	pubs, err := tx.PublicationsOfAPI(ctx, region, apiID)
	if err != nil {
		return core.KAAInput{}, err
	}
	var strategies []core.AuthStrategy
	seen := map[string]bool{}
	for _, p := range pubs {
		if p.AuthStrategyID == nil || seen[*p.AuthStrategyID] {
			continue
		}
		seen[*p.AuthStrategyID] = true
		s, err := tx.GetAuthStrategy(ctx, region, *p.AuthStrategyID)
		if err != nil {
			return core.KAAInput{}, err
		}
		strategies = append(strategies, s)
	}
	var link *core.KAAServiceLink
	im, err := tx.ImplementationOfAPI(ctx, region, apiID)
	switch {
	case err == nil:
		link = &core.KAAServiceLink{ControlPlaneID: im.ControlPlaneID, ServiceID: im.ServiceID}
	case !errors.Is(err, store.ErrNotFound):
		return core.KAAInput{}, err
	}
	return core.KAAInputOf(apiID, pubs, strategies, link), nil
}
