package store

import (
	"context"
	"time"
)

// NodeToken is a credential of a control plane's gateway nodes, without its hash.
type NodeToken struct {
	ID             string
	Region         string
	ControlPlaneID string
	Name           string
	CreatedAt      time.Time
	// LastUsedAt is the zero time until the token is used.
	LastUsedAt time.Time
}

const nodeTokenColumns = `id, region, control_plane_id, name, created_at, last_used_at`

// InsertNodeToken stores a new node token under the hash of its secret.
func (t *Tx) InsertNodeToken(ctx context.Context, tok NodeToken, hash string) error {
	return t.exec(ctx, "insert node token", `INSERT INTO node_tokens (`+nodeTokenColumns+`, token_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tok.ID, tok.Region, tok.ControlPlaneID, tok.Name, formatTime(tok.CreatedAt), optionalTime(tok.LastUsedAt), hash)
}

// GetNodeToken returns a token of the control plane, or ErrNotFound.
func (t *Tx) GetNodeToken(ctx context.Context, region, controlPlaneID, id string) (NodeToken, error) {
	return queryOne(ctx, t, scanNodeToken, `SELECT `+nodeTokenColumns+` FROM node_tokens
		WHERE region = $1 AND control_plane_id = $2 AND id = $3`, region, controlPlaneID, id)
}

// NodeTokenByHash returns the token whose secret has this hash, or ErrNotFound. The lookup is by
// the hash of a secret of 32 random bytes, so its timing tells nothing about stored secrets.
func (t *Tx) NodeTokenByHash(ctx context.Context, hash string) (NodeToken, error) {
	return queryOne(ctx, t, scanNodeToken, `SELECT `+nodeTokenColumns+` FROM node_tokens WHERE token_hash = $1`, hash)
}

// ListNodeTokens returns the control plane's tokens, oldest first.
func (t *Tx) ListNodeTokens(ctx context.Context, region, controlPlaneID string) ([]NodeToken, error) {
	return queryAll(ctx, t, "list node tokens", scanNodeToken, `SELECT `+nodeTokenColumns+` FROM node_tokens
		WHERE region = $1 AND control_plane_id = $2 ORDER BY created_at, id`, region, controlPlaneID)
}

// DeleteNodeToken revokes a token.
func (t *Tx) DeleteNodeToken(ctx context.Context, region, controlPlaneID, id string) error {
	return t.execOne(ctx, "delete node token", `DELETE FROM node_tokens WHERE region = $1 AND control_plane_id = $2 AND id = $3`,
		region, controlPlaneID, id)
}

// TouchNodeToken records a use of the token.
func (t *Tx) TouchNodeToken(ctx context.Context, id string, at time.Time) error {
	return t.exec(ctx, "record node token use", `UPDATE node_tokens SET last_used_at = $1 WHERE id = $2`, formatTime(at), id)
}

func scanNodeToken(s scanner) (NodeToken, error) {
	var tok NodeToken
	err := s.Scan(&tok.ID, &tok.Region, &tok.ControlPlaneID, &tok.Name, textTime{&tok.CreatedAt}, textTime{&tok.LastUsedAt})
	return tok, err
}
