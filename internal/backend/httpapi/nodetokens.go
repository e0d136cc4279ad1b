package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// nodeTokenTouchInterval is how often a token's last_used_at is written at most, so that the
// requests of a polling node do not each write.
const nodeTokenTouchInterval = time.Minute

// nodeTokenJSON is a node token (an extension of the Konnect API); token is only in the answer
// that creates it.
type nodeTokenJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Token      string  `json:"token,omitempty"`
	CreatedAt  string  `json:"created_at"`
	LastUsedAt *string `json:"last_used_at"`
}

func toNodeTokenJSON(t store.NodeToken) nodeTokenJSON {
	out := nodeTokenJSON{ID: t.ID, Name: t.Name, CreatedAt: formatTime(t.CreatedAt)}
	if !t.LastUsedAt.IsZero() {
		at := formatTime(t.LastUsedAt)
		out.LastUsedAt = &at
	}
	return out
}

// nodeSyncRoutes registers what gateway nodes use beyond the node list: their configuration,
// the expected hash, and the tokens they authenticate with.
func (a *API) nodeSyncRoutes() {
	a.route("/v2/control-planes/{controlPlaneId}/node-config", map[string]handlerFunc{
		http.MethodGet: a.getNodeConfig,
	})
	a.kongRoute("/v2/control-planes/{controlPlaneId}/expected-config-hash", map[string]handlerFunc{
		http.MethodGet: a.getExpectedConfigHash,
	})
	a.route("/v2/control-planes/{controlPlaneId}/node-tokens", map[string]handlerFunc{
		http.MethodGet:  a.listNodeTokens,
		http.MethodPost: a.createNodeToken,
	})
	a.route("/v2/control-planes/{controlPlaneId}/node-tokens/{tokenId}", map[string]handlerFunc{
		http.MethodGet:    a.getNodeToken,
		http.MethodDelete: a.deleteNodeToken,
	})
}

func (a *API) createNodeToken(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	name := field[string](o, "name", false)
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidateNodeTokenName(name)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	secret, err := core.GenerateNodeToken()
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	tok := store.NodeToken{ID: uuid.NewString(), Region: region, Name: name.Value, CreatedAt: a.now()}
	err = a.store.WithBookkeepingTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		tok.ControlPlaneID = cp.ID
		return tx.InsertNodeToken(ctx, tok, core.HashToken(secret))
	})
	out := toNodeTokenJSON(tok)
	out.Token = secret
	return respond(w, err, http.StatusCreated, out)
}

func (a *API) listNodeTokens(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	var toks []store.NodeToken
	err := a.store.View(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		toks, err = tx.ListNodeTokens(ctx, region, cp.ID)
		return err
	})
	out := struct {
		Data []nodeTokenJSON `json:"data"`
	}{Data: make([]nodeTokenJSON, len(toks))}
	for i, t := range toks {
		out.Data[i] = toNodeTokenJSON(t)
	}
	return respond(w, err, http.StatusOK, out)
}

func (a *API) getNodeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var tok store.NodeToken
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = getNodeToken(ctx, tx, regionOf(r), r.PathValue("controlPlaneId"), r.PathValue("tokenId"))
		return err
	})
	return respond(w, err, http.StatusOK, toNodeTokenJSON(tok))
}

// deleteNodeToken revokes a token: the next request that presents it gets 401.
func (a *API) deleteNodeToken(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithBookkeepingTx(ctx, func(tx *store.Tx) error {
		tok, err := getNodeToken(ctx, tx, region, r.PathValue("controlPlaneId"), r.PathValue("tokenId"))
		if err != nil {
			return err
		}
		return tx.DeleteNodeToken(ctx, region, tok.ControlPlaneID, tok.ID)
	})
	return noContent(w, err)
}

func getNodeToken(ctx context.Context, tx *store.Tx, region, controlPlaneID, id string) (store.NodeToken, error) {
	cp, err := getControlPlane(ctx, tx, region, controlPlaneID)
	if err != nil {
		return store.NodeToken{}, err
	}
	tok, err := tx.GetNodeToken(ctx, region, cp.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return tok, errorf(http.StatusNotFound, "Node token %s not found in control plane %s", id, cp.ID)
	}
	return tok, err
}

// nodeTokenAccess is the outcome of presenting a bearer token that is not an admin token.
type nodeTokenAccess int

const (
	nodeTokenUnknown nodeTokenAccess = iota
	nodeTokenAllowed
	nodeTokenRefused
)

// checkNodeToken looks tok up as a node token and decides whether it may make request r to
// region, recording its use at most once a minute.
func (a *API) checkNodeToken(r *http.Request, region, hash string) (nodeTokenAccess, error) {
	ctx := r.Context()
	var tok store.NodeToken
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		tok, err = tx.NodeTokenByHash(ctx, hash)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nodeTokenUnknown, nil
	}
	if err != nil {
		return nodeTokenUnknown, err
	}
	if tok.Region != region || !core.NodeTokenAllows(tok.ControlPlaneID, r.Method, r.URL.Path) {
		return nodeTokenRefused, nil
	}
	if now := a.now(); now.Sub(tok.LastUsedAt) >= nodeTokenTouchInterval {
		if err := a.store.WithBookkeepingTx(ctx, func(tx *store.Tx) error {
			return tx.TouchNodeToken(ctx, tok.ID, now)
		}); err != nil {
			return nodeTokenUnknown, err
		}
	}
	return nodeTokenAllowed, nil
}
