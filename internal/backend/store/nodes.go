package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Node is a data-plane node registered with a control plane.
type Node struct {
	ID             string
	Region         string
	ControlPlaneID string
	Hostname       string
	Version        string
	// CreatedAt and UpdatedAt are unix seconds, as Konnect reports them for nodes.
	CreatedAt int64
	UpdatedAt int64
}

const nodeColumns = `id, region, control_plane_id, hostname, version, created_at, updated_at`

// InsertNode registers a node.
func (t *Tx) InsertNode(ctx context.Context, n Node) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO gateway_nodes (`+nodeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		n.ID, n.Region, n.ControlPlaneID, n.Hostname, n.Version, n.CreatedAt, n.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: insert node: %w", err)
	}
	return nil
}

// GetNode returns a node of the control plane, or ErrNotFound.
func (t *Tx) GetNode(ctx context.Context, region, controlPlaneID, id string) (Node, error) {
	n, err := scanNode(t.q.QueryRowContext(ctx, `SELECT `+nodeColumns+` FROM gateway_nodes
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, ErrNotFound
	}
	return n, err
}

// ListNodes returns a page of the control plane's nodes in registration order, whether more follow,
// and the total count.
func (t *Tx) ListNodes(ctx context.Context, region, controlPlaneID string, page KongPage) ([]Node, bool, int, error) {
	var total int
	if err := t.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2`,
		region, controlPlaneID).Scan(&total); err != nil {
		return nil, false, 0, fmt.Errorf("store: count nodes: %w", err)
	}
	nodes, err := t.queryNodes(ctx, `SELECT `+nodeColumns+` FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2
		ORDER BY created_at, id LIMIT $3 OFFSET $4`, region, controlPlaneID, page.Size+1, page.Offset)
	if err != nil {
		return nil, false, 0, err
	}
	if len(nodes) > page.Size {
		return nodes[:page.Size], true, total, nil
	}
	return nodes, false, total, nil
}

// AllNodes returns every node of the control plane.
func (t *Tx) AllNodes(ctx context.Context, region, controlPlaneID string) ([]Node, error) {
	return t.queryNodes(ctx, `SELECT `+nodeColumns+` FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2
		ORDER BY created_at, id`, region, controlPlaneID)
}

// DeleteNode removes a node record.
func (t *Tx) DeleteNode(ctx context.Context, region, controlPlaneID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM gateway_nodes WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
	if err != nil {
		return fmt.Errorf("store: delete node: %w", err)
	}
	return expectOne(res)
}

func (t *Tx) queryNodes(ctx context.Context, q string, args ...any) ([]Node, error) {
	rows, err := t.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list nodes: %w", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func scanNode(s scanner) (Node, error) {
	var n Node
	err := s.Scan(&n.ID, &n.Region, &n.ControlPlaneID, &n.Hostname, &n.Version, &n.CreatedAt, &n.UpdatedAt)
	return n, err
}
