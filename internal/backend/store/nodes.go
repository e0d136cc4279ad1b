package store

import (
	"context"
)

// Node is a data-plane node registered with a control plane.
type Node struct {
	ID             string
	Region         string
	ControlPlaneID string
	Hostname       string
	Version        string
	// ConfigHash is the hash of the configuration the node last reported enforcing; "" when it
	// never reported one.
	ConfigHash string
	// CreatedAt and UpdatedAt are unix seconds, as Konnect reports them for nodes. UpdatedAt is
	// the node's last report (its last ping).
	CreatedAt int64
	UpdatedAt int64
}

const nodeColumns = `id, region, control_plane_id, hostname, version, config_hash, created_at, updated_at`

// InsertNode registers a node.
func (t *Tx) InsertNode(ctx context.Context, n Node) error {
	return t.exec(ctx, "insert node", `INSERT INTO gateway_nodes (`+nodeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n.ID, n.Region, n.ControlPlaneID, n.Hostname, n.Version, n.ConfigHash, n.CreatedAt, n.UpdatedAt)
}

// UpdateNodeReport records a node's report: its hostname, version, configuration hash and the
// time of the report.
func (t *Tx) UpdateNodeReport(ctx context.Context, n Node) error {
	return t.execOne(ctx, "update node", `UPDATE gateway_nodes SET hostname = $1, version = $2, config_hash = $3, updated_at = $4
		WHERE region = $5 AND control_plane_id = $6 AND id = $7`,
		n.Hostname, n.Version, n.ConfigHash, n.UpdatedAt, n.Region, n.ControlPlaneID, n.ID)
}

// NodeIDTaken reports whether a node with this id exists anywhere, so that a node cannot report
// under the id of another control plane's node.
func (t *Tx) NodeIDTaken(ctx context.Context, id string) (bool, error) {
	if err := t.lockValue(ctx, "gateway_nodes.id", id); err != nil {
		return false, err
	}
	n, err := t.count(ctx, "check node id", `SELECT COUNT(*) FROM gateway_nodes WHERE id = $1`, id)
	return n > 0, err
}

// GetNode returns a node of the control plane, or ErrNotFound.
func (t *Tx) GetNode(ctx context.Context, region, controlPlaneID, id string) (Node, error) {
	return queryOne(ctx, t, scanNode, `SELECT `+nodeColumns+` FROM gateway_nodes
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id)
}

// ListNodes returns a page of the control plane's nodes in registration order, whether more follow,
// and the total count.
func (t *Tx) ListNodes(ctx context.Context, region, controlPlaneID string, page KongPage) ([]Node, bool, int, error) {
	total, err := t.count(ctx, "count nodes", `SELECT COUNT(*) FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2`,
		region, controlPlaneID)
	if err != nil {
		return nil, false, 0, err
	}
	w := &where{}
	w.add("region = " + w.arg(region))
	w.add("control_plane_id = " + w.arg(controlPlaneID))
	nodes, more, err := listKongPage(ctx, t, "nodes", nodeColumns, "gateway_nodes", w, page, scanNode)
	if err != nil {
		return nil, false, 0, err
	}
	return nodes, more, total, nil
}

// AllNodes returns every node of the control plane.
func (t *Tx) AllNodes(ctx context.Context, region, controlPlaneID string) ([]Node, error) {
	return queryAll(ctx, t, "list nodes", scanNode, `SELECT `+nodeColumns+` FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2
		ORDER BY created_at, id`, region, controlPlaneID)
}

// DeleteNode removes a node record.
func (t *Tx) DeleteNode(ctx context.Context, region, controlPlaneID, id string) error {
	return t.execOne(ctx, "delete node", `DELETE FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
}

func scanNode(s scanner) (Node, error) {
	var n Node
	err := s.Scan(&n.ID, &n.Region, &n.ControlPlaneID, &n.Hostname, &n.Version, &n.ConfigHash, &n.CreatedAt, &n.UpdatedAt)
	return n, err
}
