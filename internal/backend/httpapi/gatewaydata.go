package httpapi

import (
	"net/http"
	"runtime"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// gatewayDataJSON is what a gateway node of a control plane needs to enforce application auth
// without further calls: for each application with an approved registration for an API served
// by the control plane, the hashes of its active keys and the scopes (API ids) it may call.
// A registration whose application's strategy the API's publication no longer accepts is left
// out (core.RegistrationSuspendedReason).
type gatewayDataJSON struct {
	ControlPlaneID string               `json:"control_plane_id"`
	HashAlgorithm  string               `json:"hash_algorithm"`
	GeneratedAt    string               `json:"generated_at"`
	Applications   []gatewayAppDataJSON `json:"applications"`
}

type gatewayAppDataJSON struct {
	ID             string   `json:"id"`
	PortalID       string   `json:"portal_id"`
	AuthStrategyID string   `json:"auth_strategy_id"`
	KeyHashes      []string `json:"key_hashes"`
	Scopes         []string `json:"scopes"`
}

// gatewayDataBuilds bounds how many gateway data answers are built at once. An answer holds
// every key hash of the control plane twice (rows and JSON), megabytes with many keys: 32 built
// side by side took the server past 300 MB, while the CPUs can only work on so many at a time
// anyway. Requests beyond the bound wait, holding nothing.
var gatewayDataBuilds = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// getGatewayData answers the gateway data of one control plane of the region.
func (a *API) getGatewayData(w http.ResponseWriter, r *http.Request) error {
	select {
	case gatewayDataBuilds <- struct{}{}:
		defer func() { <-gatewayDataBuilds }()
	case <-r.Context().Done():
		return r.Context().Err()
	}
	ctx, region, cpID, now := r.Context(), regionOf(r), r.PathValue("controlPlaneId"), a.now()
	out := gatewayDataJSON{ControlPlaneID: cpID, HashAlgorithm: "sha256", GeneratedAt: formatTime(now),
		Applications: []gatewayAppDataJSON{}}
	err := a.store.View(ctx, func(tx *store.Tx) error {
		if _, err := getControlPlane(ctx, tx, region, cpID); err != nil {
			return err
		}
		grants, err := tx.ApprovedGrants(ctx, region, cpID)
		if err != nil {
			return err
		}
		keys, err := tx.ActiveKeyHashesOfControlPlane(ctx, region, cpID, now)
		if err != nil {
			return err
		}
		for _, g := range grants {
			var accepted []string
			if g.PublicationAuthStrategyID != nil {
				accepted = []string{*g.PublicationAuthStrategyID}
			}
			suspended := core.RegistrationSuspendedReason(g.AuthStrategyID, accepted)
			if !core.RegistrationAllowsTraffic(core.RegistrationApproved, suspended) {
				continue
			}
			n := len(out.Applications)
			if n > 0 && out.Applications[n-1].ID == g.ApplicationID {
				out.Applications[n-1].Scopes = append(out.Applications[n-1].Scopes, g.APIID)
				continue
			}
			hashes := keys[g.ApplicationID]
			out.Applications = append(out.Applications, gatewayAppDataJSON{ID: g.ApplicationID, PortalID: g.PortalID,
				AuthStrategyID: g.AuthStrategyID, KeyHashes: nonNilStrings(hashes), Scopes: []string{g.APIID}})
		}
		return nil
	})
	return respond(w, err, http.StatusOK, out)
}
