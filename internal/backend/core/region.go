package core

import "slices"

// Regions lists the regions the backend serves, in the order Konnect documents them.
var Regions = []string{"us", "eu", "au", "me", "in", "sg"}

// DefaultRegion is the region served at "/" unless configured otherwise.
const DefaultRegion = "us"

// IsRegion reports whether r is one of Regions.
func IsRegion(r string) bool {
	return slices.Contains(Regions, r)
}
