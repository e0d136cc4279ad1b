package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// objectAsOptions reads nested objects into structs, leaving null or unknown
// members as they are.
var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

// known reports whether a value is set and known.
func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// nonNilStrings turns nil into an empty slice so that lists map to [] rather than null.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
