package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Compatibility states of a node, in Konnect's words.
const (
	nodeCompatible   = "COMPATIBILITY_STATE_FULLY_COMPATIBLE"
	nodeIncompatible = "COMPATIBILITY_STATE_INCOMPATIBLE"
	nodeType         = "kong-proxy"
)

// nodeJSON is an item of Konnect's data-plane node list.
type nodeJSON struct {
	ID                  string                  `json:"id"`
	Version             string                  `json:"version"`
	Hostname            string                  `json:"hostname"`
	LastPing            int64                   `json:"last_ping"`
	Type                string                  `json:"type"`
	CreatedAt           int64                   `json:"created_at"`
	UpdatedAt           int64                   `json:"updated_at"`
	ConfigHash          string                  `json:"config_hash"`
	CompatibilityStatus nodeCompatibilityStatus `json:"compatibility_status"`
}

type nodeCompatibilityStatus struct {
	State  string                   `json:"state"`
	Issues []nodeCompatibilityIssue `json:"issues"`
}

type nodeCompatibilityIssue struct {
	Code        string `json:"code"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	Resolution  string `json:"resolution"`
}

// nodeList is the body of Konnect's node list.
type nodeList struct {
	Items []nodeJSON `json:"items"`
	Page  nodePage   `json:"page"`
}

type nodePage struct {
	TotalCount int    `json:"total_count"`
	Next       string `json:"next,omitempty"`
}

func toNodeJSON(n store.Node) nodeJSON {
	status := nodeCompatibilityStatus{State: nodeCompatible, Issues: []nodeCompatibilityIssue{}}
	gn := core.GatewayNode{ID: n.ID, Hostname: n.Hostname, Version: n.Version}
	if _, outdated := core.FirstOutdatedGatewayNode([]core.GatewayNode{gn}); outdated {
		status.State = nodeIncompatible
		status.Issues = append(status.Issues, nodeCompatibilityIssue{
			Code: "application_auth_unsupported", Severity: "error",
			Description: core.OutdatedGatewayNodeMessage(gn),
			Resolution:  "upgrade the node to gateway 3.6 or later so that it enforces application auth",
		})
	}
	return nodeJSON{ID: n.ID, Version: n.Version, Hostname: n.Hostname, LastPing: n.UpdatedAt, Type: nodeType,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, ConfigHash: n.ConfigHash, CompatibilityStatus: status}
}

func (a *API) listNodes(w http.ResponseWriter, r *http.Request) error {
	page, _, err := kongPageParams(r.URL.Query(), "page[size]", "page[after]", false)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		nodes []store.Node
		more  bool
		total int
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		nodes, more, total, err = tx.ListNodes(ctx, region, cp.ID, page)
		return err
	})
	if err != nil {
		return err
	}
	out := nodeList{Items: make([]nodeJSON, len(nodes)), Page: nodePage{TotalCount: total}}
	for i, n := range nodes {
		out.Items[i] = toNodeJSON(n)
	}
	if more {
		out.Page.Next = encodeOffset(page.Offset + page.Size)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// registerNode records a data-plane node, as a gateway does when it connects. It is accepted whatever
// the version; a node too old for application auth shows up as the sync error of the control plane's
// service links.
func (a *API) registerNode(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	hostname := field[string](o, "hostname", false)
	version := field[string](o, "version", false)
	vs := o.finish()
	if len(vs) == 0 {
		vs = core.ValidateNodeRegistration(hostname, version)
	}
	if err := core.Invalid(vs...); err != nil {
		return err
	}
	ctx, region, now := r.Context(), regionOf(r), a.now().Unix()
	var n store.Node
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		n = store.Node{ID: uuid.NewString(), Region: region, ControlPlaneID: cp.ID, Hostname: hostname.Value,
			Version: version.Value, CreatedAt: now, UpdatedAt: now}
		return tx.InsertNode(ctx, n)
	})
	return respond(w, err, http.StatusCreated, toNodeJSON(n))
}

// reportNode records a node's report under the id the node chose (an extension of the Konnect
// API): the first report registers the node (201), later ones refresh its hostname, version,
// configuration hash and last ping (200). Versions are accepted as registerNode accepts them.
func (a *API) reportNode(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("nodeId")
	if !core.IsUUID(id) {
		return core.Invalid(core.Violation{Field: "nodeId", Rule: "is_uuid", Source: "path",
			Reason: "a node reports under a UUID it chose and keeps; generate one (version 4) and use it for every report"})
	}
	n, err := readNodeReport(w, r)
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	n.ID, n.Region, n.UpdatedAt = id, region, a.now().Unix()
	status := http.StatusOK
	// A ping changes nothing a node configuration holds, so it does not wake waiting nodes.
	err = a.store.WithBookkeepingTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		n.ControlPlaneID = cp.ID
		old, err := tx.GetNode(ctx, region, cp.ID, id)
		switch {
		case err == nil:
			n.CreatedAt = old.CreatedAt
			return tx.UpdateNodeReport(ctx, n)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if taken, err := tx.NodeIDTaken(ctx, id); err != nil || taken {
			return errors.Join(err, errorIf(taken, http.StatusConflict,
				"Node id %s is taken by a node of another control plane: generate a new UUID for this node.", id))
		}
		status, n.CreatedAt = http.StatusCreated, n.UpdatedAt
		return tx.InsertNode(ctx, n)
	})
	return respond(w, err, status, toNodeJSON(n))
}

// errorIf is errorf when cond holds, else nil.
func errorIf(cond bool, status int, format string, args ...any) error {
	if !cond {
		return nil
	}
	return errorf(status, format, args...)
}

// readNodeReport reads and checks the body of a node's report.
func readNodeReport(w http.ResponseWriter, r *http.Request) (store.Node, error) {
	o, err := readObject(w, r)
	if err != nil {
		return store.Node{}, err
	}
	hostname := field[string](o, "hostname", false)
	version := field[string](o, "version", false)
	hash := field[string](o, "config_hash", true)
	vs := o.finish()
	if len(vs) == 0 {
		vs = append(core.ValidateNodeRegistration(hostname, version), core.ValidateConfigHash(hash.Value)...)
	}
	if err := core.Invalid(vs...); err != nil {
		return store.Node{}, err
	}
	return store.Node{Hostname: hostname.Value, Version: version.Value, ConfigHash: hash.Value}, nil
}

func (a *API) getNode(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var n store.Node
	err := a.store.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = getNode(ctx, tx, regionOf(r), r.PathValue("controlPlaneId"), r.PathValue("nodeId"))
		return err
	})
	return respond(w, err, http.StatusOK, map[string]nodeJSON{"item": toNodeJSON(n)})
}

func (a *API) deleteNode(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		n, err := getNode(ctx, tx, region, r.PathValue("controlPlaneId"), r.PathValue("nodeId"))
		if err != nil {
			return err
		}
		return tx.DeleteNode(ctx, region, n.ControlPlaneID, n.ID)
	})
	return noContent(w, err)
}

func getNode(ctx context.Context, tx *store.Tx, region, controlPlaneID, id string) (store.Node, error) {
	cp, err := getControlPlane(ctx, tx, region, controlPlaneID)
	if err != nil {
		return store.Node{}, err
	}
	n, err := tx.GetNode(ctx, region, cp.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return n, errorf(http.StatusNotFound, "Node %s not found in control plane %s", id, cp.ID)
	}
	return n, err
}

// outdatedNode returns the node of the control plane that keeps it from enforcing application auth.
func outdatedNode(ctx context.Context, tx *store.Tx, region, controlPlaneID string) (core.GatewayNode, bool, error) {
	nodes, err := tx.AllNodes(ctx, region, controlPlaneID)
	if err != nil {
		return core.GatewayNode{}, false, err
	}
	gns := make([]core.GatewayNode, len(nodes))
	for i, n := range nodes {
		gns[i] = core.GatewayNode{ID: n.ID, Hostname: n.Hostname, Version: n.Version}
	}
	node, ok := core.FirstOutdatedGatewayNode(gns)
	return node, ok, nil
}
