package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
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

// MinAdminTokenBits is the least estimated strength of an admin token that serve accepts.
const MinAdminTokenBits = 128

// AdminTokenAdvice says how to get a token strong enough; errors about tokens end with it.
const AdminTokenAdvice = "generate one with `echo spat_$(openssl rand -hex 32)`, or leave the token unset so that serve generates one"

// CheckAdminTokenStrength refuses a well-formed admin token whose secret is too easy to guess:
// fewer than MinAdminTokenBits by EstimateSecretBits.
func CheckAdminTokenStrength(tok string) error {
	if err := ValidateAdminToken(tok); err != nil {
		return err
	}
	secret := tok[strings.IndexByte(tok, '_')+1:]
	if bits := EstimateSecretBits(secret); bits < MinAdminTokenBits {
		return fmt.Errorf("the admin token is too easy to guess: its secret holds about %d bits of randomness, and at least %d are needed; %s",
			int(bits), MinAdminTokenBits, AdminTokenAdvice)
	}
	return nil
}

// EstimateSecretBits estimates, on the safe side, the bits of randomness in secret. It is the
// smaller of two measures: the length times the bits of a character drawn from the classes used
// (lower case, upper case, digits, others), and the length times the entropy of the characters'
// own frequencies, which is low when few characters repeat (Z9_Z9_Z9_). Characters that repeat
// the previous one or continue a run (aaaa, 3456, fedc) add nothing.
func EstimateSecretBits(secret string) float64 {
	rs := []rune(secret)
	if len(rs) == 0 {
		return 0
	}
	var lower, upper, digit, other bool
	counts := map[rune]int{}
	for _, r := range rs {
		counts[r]++
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	pool := 0
	for _, c := range []struct {
		used bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 32}} {
		if c.used {
			pool += c.size
		}
	}
	n := float64(len(rs))
	var perChar float64
	for _, c := range counts {
		p := float64(c) / n
		perChar -= p * math.Log2(p)
	}
	perChar = min(perChar, math.Log2(float64(pool)))
	fresh := 0
	for i, r := range rs {
		repeat := i > 0 && r == rs[i-1]
		run := i > 1 && (r-rs[i-1] == 1 || r-rs[i-1] == -1) && r-rs[i-1] == rs[i-1]-rs[i-2]
		if !repeat && !run {
			fresh++
		}
	}
	return float64(fresh) * perChar
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
