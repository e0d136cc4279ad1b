package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Node is a data-plane node registered with a control plane.
type Node struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	Type     string `json:"type"`
	// LastPing is when the node last reported, in unix seconds.
	LastPing int64 `json:"last_ping"`
	// ConfigHash is the hash of the configuration the node last reported enforcing.
	ConfigHash string `json:"config_hash"`
	// CompatibilityStatus says whether the node can enforce everything the control plane holds.
	CompatibilityStatus NodeCompatibility `json:"compatibility_status"`
}

// NodeCompatibility is a node's compatibility state and its issues.
type NodeCompatibility struct {
	State string `json:"state"`
}

// RegisterNodeRequest is how a gateway node announces itself (an extension
// of the Konnect API).
type RegisterNodeRequest struct {
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
}

type nodeList struct {
	Items []Node `json:"items"`
	Page  struct {
		Next string `json:"next"`
	} `json:"page"`
}

func nodesPath(controlPlaneID string) string { return controlPlanePath(controlPlaneID) + "/nodes" }

// ListNodes returns every node registered with a control plane.
func (c *Client) ListNodes(ctx context.Context, controlPlaneID string) ([]Node, error) {
	var all []Node
	after := ""
	for range maxPages {
		q := url.Values{"page[size]": {strconv.Itoa(pageSize)}}
		if after != "" {
			q.Set("page[after]", after)
		}
		var page nodeList
		if err := c.do(ctx, http.MethodGet, nodesPath(controlPlaneID), q, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Page.Next == "" || len(page.Items) == 0 {
			return all, nil
		}
		after = page.Page.Next
	}
	return nil, fmt.Errorf("node list of control plane %s did not end after %d pages", controlPlaneID, maxPages)
}

// RegisterNode registers a data-plane node. A node older than gateway 3.6
// cannot enforce application auth: links of the control plane then report a
// sync error, and new links are refused.
func (c *Client) RegisterNode(ctx context.Context, controlPlaneID string, req RegisterNodeRequest) (*Node, error) {
	var n Node
	if err := c.do(ctx, http.MethodPost, nodesPath(controlPlaneID), nil, req, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// DeleteNode removes a node from a control plane.
func (c *Client) DeleteNode(ctx context.Context, controlPlaneID, id string) error {
	return c.do(ctx, http.MethodDelete, nodesPath(controlPlaneID)+"/"+url.PathEscape(id), nil, nil, nil)
}
