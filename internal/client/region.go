package client

import "strings"

// Region returns the region the client addresses.
func (c *Client) Region() string { return c.region }

// ForRegion returns a client for another region that shares this client's
// token, retry settings and connections. The server URL's {region}
// placeholder is resolved for that region; a URL without the placeholder
// addresses the same server whatever the region, so the result then sends
// requests exactly where c does.
func (c *Client) ForRegion(region string) (*Client, error) {
	if region == c.region {
		return c, nil
	}
	if err := ValidateRegion(region); err != nil {
		return nil, err
	}
	base, err := ResolveServerURL(c.serverURL, region)
	if err != nil {
		return nil, err
	}
	other := *c
	other.region = region
	other.baseURL = base
	return &other, nil
}

// RegionMatters reports whether the region decides where requests go, that is whether the
// server URL has the {region} placeholder.
func (c *Client) RegionMatters() bool { return strings.Contains(c.serverURL, RegionPlaceholder) }
