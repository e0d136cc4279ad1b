package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Admin token prefixes: system account and personal access tokens, as Konnect names them.
var adminTokenPrefixes = []string{"spat_", "kpat_"}

const (
	adminTokenMinSecret = 20
	adminTokenMaxLength = 256
	tokenAlphabet       = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// ValidateAdminToken checks the shape of an admin token: a spat_ or kpat_ prefix followed by at
// least 20 letters, digits or underscores.
func ValidateAdminToken(tok string) error {
	if tok == "" {
		return errors.New("the admin token is empty")
	}
	var secret string
	prefixed := false
	for _, p := range adminTokenPrefixes {
		if s, ok := strings.CutPrefix(tok, p); ok {
			secret, prefixed = s, true
			break
		}
	}
	switch {
	case !prefixed:
		return errors.New("the admin token must start with spat_ or kpat_")
	case len(secret) < adminTokenMinSecret:
		return fmt.Errorf("the admin token needs at least %d characters after its prefix", adminTokenMinSecret)
	case len(tok) > adminTokenMaxLength:
		return fmt.Errorf("the admin token must not be longer than %d characters", adminTokenMaxLength)
	}
	for _, r := range secret {
		if !strings.ContainsRune(tokenAlphabet+"_", r) {
			return errors.New("the admin token may contain only letters, digits and underscores after its prefix")
		}
	}
	return nil
}

// GenerateAdminToken returns a new random system-account style token ("spat_" and 48 characters).
func GenerateAdminToken() (string, error) {
	const n = 48
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	out := make([]byte, n)
	for i, b := range buf {
		// 256 is not a multiple of 62; the slight bias is irrelevant for a 48-character secret.
		out[i] = tokenAlphabet[int(b)%len(tokenAlphabet)]
	}
	return "spat_" + string(out), nil
}

// HashToken returns the hex SHA-256 digest under which a token is stored.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
