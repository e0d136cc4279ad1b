package core

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrGatewayVersionInvalid is wrapped by every error ParseGatewayVersion returns.
var ErrGatewayVersionInvalid = errors.New("invalid gateway version")

// Application auth (the konnect-application-auth plugin with v2 strategies) first shipped in gateway 3.6.
const (
	applicationAuthMinMajor = 3
	applicationAuthMinMinor = 6
)

// gatewayVersionMaxPart bounds each numeric component so that parsing never overflows and absurd
// values are reported as invalid rather than compared.
const gatewayVersionMaxPart = 1_000_000

// GatewayVersion is a parsed Kong gateway version such as 3.4.3.12 or 3.10.0.1-enterprise-edition.
type GatewayVersion struct {
	Major, Minor, Patch, Revision int
	// Suffix is what follows the first "-" (e.g. "enterprise-edition"), without the dash.
	Suffix string
	// parts is how many numeric components the input had (2 to 4), so String round-trips.
	parts int
}

// ParseGatewayVersion parses a Kong gateway version: two to four dot-separated decimal numbers, optionally
// followed by "-" and a build suffix. The error text is suitable as a 400 reason.
func ParseGatewayVersion(s string) (GatewayVersion, error) {
	invalid := func(why string) (GatewayVersion, error) {
		return GatewayVersion{}, fmt.Errorf("%w %q: %s; expected dot-separated numbers such as 3.9.1 or 3.4.3.12",
			ErrGatewayVersionInvalid, s, why)
	}
	if s == "" {
		return invalid("it is empty")
	}
	numbers, suffix, hasSuffix := strings.Cut(s, "-")
	if hasSuffix && !validGatewaySuffix(suffix) {
		return invalid("the suffix after \"-\" must be letters, digits, dots or dashes")
	}
	fields := strings.Split(numbers, ".")
	if len(fields) < 2 || len(fields) > 4 {
		return invalid("it must have two to four numeric parts")
	}
	var nums [4]int
	for i, f := range fields {
		if f == "" || strings.TrimLeft(f, "0123456789") != "" {
			return invalid(fmt.Sprintf("part %q is not a number", f))
		}
		n, err := strconv.Atoi(f)
		if err != nil || n >= gatewayVersionMaxPart {
			return invalid(fmt.Sprintf("part %q is too large", f))
		}
		nums[i] = n
	}
	return GatewayVersion{
		Major: nums[0], Minor: nums[1], Patch: nums[2], Revision: nums[3],
		Suffix: suffix, parts: len(fields),
	}, nil
}

func validGatewaySuffix(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
		default:
			return false
		}
	}
	return true
}

// AtLeast reports whether v is major.minor or later; patch, revision and suffix are ignored.
func (v GatewayVersion) AtLeast(major, minor int) bool {
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

// String formats v with as many numeric parts as it was parsed with (at least three for a literal).
func (v GatewayVersion) String() string {
	parts := max(v.parts, 3)
	nums := []int{v.Major, v.Minor, v.Patch, v.Revision}[:parts]
	var b strings.Builder
	for i, n := range nums {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
	if v.Suffix != "" {
		b.WriteByte('-')
		b.WriteString(v.Suffix)
	}
	return b.String()
}

// SupportsApplicationAuth reports whether a gateway of version v enforces application auth strategies.
func SupportsApplicationAuth(v GatewayVersion) bool {
	return v.AtLeast(applicationAuthMinMajor, applicationAuthMinMinor)
}

// GatewayNode is a data-plane node registered with a control plane, as its version is reported.
type GatewayNode struct {
	ID       string
	Hostname string
	Version  string
}

// FirstOutdatedGatewayNode returns the node that keeps a control plane from enforcing application auth:
// the first one, ordered by hostname then id, whose version is below 3.6. A version that does not parse
// counts as outdated, since nothing proves that node can enforce the plugin.
func FirstOutdatedGatewayNode(nodes []GatewayNode) (GatewayNode, bool) {
	var outdated []GatewayNode
	for _, n := range nodes {
		v, err := ParseGatewayVersion(n.Version)
		if err != nil || !SupportsApplicationAuth(v) {
			outdated = append(outdated, n)
		}
	}
	if len(outdated) == 0 {
		return GatewayNode{}, false
	}
	return slices.MinFunc(outdated, func(a, b GatewayNode) int {
		if c := strings.Compare(a.Hostname, b.Hostname); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}), true
}

// OutdatedGatewayNodeMessage explains why node blocks application auth; it serves both as the reason a
// service link is refused and as the link's auth_strategy_sync_error message.
func OutdatedGatewayNodeMessage(node GatewayNode) string {
	return fmt.Sprintf("node %s (%s) runs gateway %s; application auth needs %d.%d or later",
		node.Hostname, node.ID, node.Version, applicationAuthMinMajor, applicationAuthMinMinor)
}
