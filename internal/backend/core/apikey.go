package core

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// APIKeyPrefix starts every generated key, so that people and secret scanners can recognise a leaked key.
const APIKeyPrefix = "dpk_"

const (
	apiKeyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	// 43 base62 characters carry 43*log2(62) ≈ 256 bits, as much as 32 random bytes.
	apiKeyRandomLen = 43
	// apiKeyByteLimit is the largest multiple of 62 that fits in a byte; bytes at or above it are
	// discarded so that every character is equally likely.
	apiKeyByteLimit = 256 - 256%len(apiKeyAlphabet)
)

// GenerateAPIKey returns a new key: APIKeyPrefix followed by 43 uniformly random base62 characters.
// Base62 keeps the key a single word that double-click selects and that needs no escaping in headers,
// query strings or shells.
func GenerateAPIKey() (string, error) {
	var b strings.Builder
	b.Grow(len(APIKeyPrefix) + apiKeyRandomLen)
	b.WriteString(APIKeyPrefix)
	buf := make([]byte, 64)
	for n := 0; n < apiKeyRandomLen; {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("generate API key: %w", err)
		}
		for _, c := range buf {
			if int(c) >= apiKeyByteLimit || n == apiKeyRandomLen {
				continue
			}
			b.WriteByte(apiKeyAlphabet[int(c)%len(apiKeyAlphabet)])
			n++
		}
	}
	return b.String(), nil
}

// HashAPIKey returns the value stored in place of key: hex SHA-256. Unlike passwords, generated keys have
// 256 random bits, so a fast unsalted hash cannot be brute-forced; it also lets the gateway path find a
// key by an indexed equality lookup without a slow KDF per request. Caller-supplied keys are held to a
// minimum length for the same reason.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// APIKeyMatches reports, in constant time, whether key hashes to storedHash.
func APIKeyMatches(key, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashAPIKey(key)), []byte(storedHash)) == 1
}

const apiKeyHintLen = 4

// APIKeyHint returns the last four characters of key, enough to tell keys apart in a list. For a key
// shorter than APIKeyMinLength it returns "", since four characters would then be a large share of it.
func APIKeyHint(key string) string {
	if len(key) < APIKeyMinLength {
		return ""
	}
	return key[len(key)-apiKeyHintLen:]
}

// Bounds on keys that callers supply instead of letting the backend generate one.
const (
	APIKeyMinLength = 16
	APIKeyMaxLength = 256
)

// ErrAPIKeyInvalid is wrapped by every error CheckAPIKey returns.
var ErrAPIKeyInvalid = errors.New("invalid API key")

// CheckAPIKey validates a caller-supplied key; the error text is suitable as a 400 reason. Allowed are
// ASCII letters, digits and "-._~+/=" (the token68 characters of RFC 9110), which travel unchanged in an
// HTTP header.
func CheckAPIKey(key string) error {
	switch {
	case len(key) < APIKeyMinLength:
		return fmt.Errorf("%w: use at least %d characters", ErrAPIKeyInvalid, APIKeyMinLength)
	case len(key) > APIKeyMaxLength:
		return fmt.Errorf("%w: use at most %d characters", ErrAPIKeyInvalid, APIKeyMaxLength)
	}
	for _, r := range key {
		if !apiKeyAllowedRune(r) {
			return fmt.Errorf("%w: character %q is not allowed; use letters, digits and -._~+/=", ErrAPIKeyInvalid, r)
		}
	}
	return nil
}

func apiKeyAllowedRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	default:
		return strings.ContainsRune("-._~+/=", r)
	}
}

// MaxAPIKeysPerApplication caps the keys one application may hold at once.
const MaxAPIKeysPerApplication = 20

// APIKeyLimitReached reports whether an application that already has existing keys may not get another.
func APIKeyLimitReached(existing int) bool {
	return existing >= MaxAPIKeysPerApplication
}

// APIKeyExpired reports whether a key that expires at expiresAt is no longer valid at now. The zero time
// means the key never expires.
func APIKeyExpired(expiresAt, now time.Time) bool {
	return !expiresAt.IsZero() && !now.Before(expiresAt)
}

// MaxAPIKeyLifetimeYears bounds how long a key may live, whether its expiry is given as
// expires_at or follows from its strategy's ttl. It keeps every expiry far inside the range
// that timestamps are stored in (years 0001 to 9999).
const MaxAPIKeyLifetimeYears = 100

// APIKeyLatestExpiry returns the latest expiry a key created at created may have.
func APIKeyLatestExpiry(created time.Time) time.Time {
	return created.AddDate(MaxAPIKeyLifetimeYears, 0, 0)
}

// CheckAPIKeyExpiresAt checks an explicit expiry of a key created at now: in the future and at
// most MaxAPIKeyLifetimeYears ahead.
func CheckAPIKeyExpiresAt(field string, expiresAt, now time.Time) []Violation {
	switch {
	case !expiresAt.After(now):
		return []Violation{InvalidViolation(field, "must be in the future")}
	case expiresAt.After(APIKeyLatestExpiry(now)):
		return []Violation{InvalidViolation(field, fmt.Sprintf("must be at most %d years ahead, no later than %s",
			MaxAPIKeyLifetimeYears, APIKeyLatestExpiry(now).Format(time.RFC3339)))}
	}
	return nil
}

// APIKeyExpiresAt returns when a key created at created expires under a key-auth strategy's ttl of value
// units ("days", "weeks" or "years"). Units are calendar units, so a year from 29 February ends on 1 March.
func APIKeyExpiresAt(created time.Time, value int, unit string) (time.Time, error) {
	if value < 1 {
		return time.Time{}, fmt.Errorf("ttl value %d is not valid; use a whole number of at least 1", value)
	}
	if limit, ok := ttlMax[unit]; ok && value > limit {
		return time.Time{}, fmt.Errorf("ttl of %d %s is longer than %d years; use at most %d %s", value, unit, MaxAPIKeyLifetimeYears, limit, unit)
	}
	var exp time.Time
	switch unit {
	case "days":
		exp = created.AddDate(0, 0, value)
	case "weeks":
		exp = created.AddDate(0, 0, 7*value)
	case "years":
		exp = created.AddDate(value, 0, 0)
	default:
		return time.Time{}, fmt.Errorf("ttl unit %q is not valid; use days, weeks or years", unit)
	}
	return exp, nil
}
