package core

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// NodeTokenPrefix starts every node token, so that one is recognised in a leak or a log.
const NodeTokenPrefix = "dpn_"

// NodeTokenNameMax is the longest node token name.
const NodeTokenNameMax = 100

// nodeTokenRandomBytes is the entropy of a node token.
const nodeTokenRandomBytes = 32

// GenerateNodeToken returns a new node token: NodeTokenPrefix and 32 random bytes, base64url
// without padding (a single word in headers and shells).
func GenerateNodeToken() (string, error) {
	buf := make([]byte, nodeTokenRandomBytes)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("generate node token: %w", err)
	}
	return NodeTokenPrefix + base64.RawURLEncoding.EncodeToString(buf), nil
}

// ValidateNodeTokenName checks a node token's name: required, one line of 1 to 100 characters.
func ValidateNodeTokenName(name Field[string]) []Violation {
	if !name.HasValue() {
		return []Violation{RequiredViolation("name")}
	}
	return CheckName("name", name.Value, NodeTokenNameMax)
}

// ValidateConfigHash checks the configuration hash a node reports: empty before the node has a
// configuration, else 64 lower-case hexadecimal characters (a SHA-256).
func ValidateConfigHash(hash string) []Violation {
	if hash == "" || IsConfigHash(hash) {
		return nil
	}
	return []Violation{InvalidViolation("config_hash", "must be empty or the 64 lower-case hexadecimal characters of a SHA-256")}
}

// IsConfigHash reports whether s is 64 lower-case hexadecimal characters.
func IsConfigHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// NodeTokenAllows reports whether a node token of control plane controlPlaneID may make a
// request: read the control plane's node configuration and expected configuration hash, and
// list, read and report its nodes. path is the request's path without its region prefix.
func NodeTokenAllows(controlPlaneID, method, path string) bool {
	rest, ok := strings.CutPrefix(path, "/v2/control-planes/"+controlPlaneID+"/")
	if !ok {
		return false
	}
	segs := strings.Split(rest, "/")
	switch {
	case len(segs) == 1 && (segs[0] == "node-config" || segs[0] == "expected-config-hash" || segs[0] == "nodes"):
		return method == http.MethodGet
	case len(segs) == 2 && segs[0] == "nodes" && segs[1] != "":
		return method == http.MethodGet || method == http.MethodPut
	default:
		return false
	}
}
