package core

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed" // the common-password list
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password length limits, in characters. Twelve is long enough that an online guesser throttled by the
// login lockout gets nowhere, while short enough for a passphrase of three words; 256 leaves room for any
// password manager yet bounds the work one login request can cause.
const (
	PasswordMinLength = 12
	PasswordMaxLength = 256
)

// ErrPasswordPolicy is wrapped by every error CheckPasswordPolicy returns.
var ErrPasswordPolicy = errors.New("password does not meet the policy")

// CheckPasswordPolicy returns an error, suitable as a 400 reason, when password may not be used by the
// account with this e-mail address. There are no composition rules (digits, symbols): length is what makes a
// password hard to guess, as long as it is not one that guessers try first (see checkGuessable).
func CheckPasswordPolicy(password, email string) error {
	switch n := utf8.RuneCountInString(password); {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w: it is not valid UTF-8 text", ErrPasswordPolicy)
	case n < PasswordMinLength:
		return fmt.Errorf("%w: use at least %d characters", ErrPasswordPolicy, PasswordMinLength)
	case n > PasswordMaxLength:
		return fmt.Errorf("%w: use at most %d characters", ErrPasswordPolicy, PasswordMaxLength)
	case strings.TrimFunc(password, unicode.IsSpace) == "":
		return fmt.Errorf("%w: it must not consist only of spaces", ErrPasswordPolicy)
	case strings.ContainsFunc(password, unicode.IsControl):
		return fmt.Errorf("%w: it must not contain control characters", ErrPasswordPolicy)
	}
	if why := checkGuessable(password, email); why != "" {
		return fmt.Errorf("%w: %s; choose a longer passphrase of unrelated words", ErrPasswordPolicy, why)
	}
	return nil
}

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords holds the most used passwords of published breaches, lower-cased. Most are shorter
// than PasswordMinLength; they also catch the usual padding ("password2026!").
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(commonPasswordList) {
		if w := strings.TrimSpace(line); w != "" {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()

// keyboardRuns are sequences people type instead of choosing a password.
var keyboardRuns = []string{
	"abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
	"azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
}

// emailLocalPartMinLength is the shortest local part a password is checked against: shorter ones ("al")
// occur in too many words to mean anything.
const emailLocalPartMinLength = 3

// checkGuessable returns why password is among the first an attacker would try, or "".
func checkGuessable(password, email string) string {
	lower := strings.ToLower(password)
	if commonPasswords[lower] {
		return "it is one of the most commonly used passwords"
	}
	// Padding a common password with digits or symbols does not make it uncommon.
	letters := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if letters != "" && commonPasswords[letters] {
		return "it is a commonly used password with digits or symbols added"
	}
	compact := strings.Join(strings.Fields(lower), "")
	if distinct := len(uniqueRunes(compact)); distinct < 5 {
		return "it uses too few different characters"
	}
	for _, run := range keyboardRuns {
		double := run + run
		if strings.Contains(double, compact) || strings.Contains(reverse(double), compact) {
			return "it is a run of consecutive characters or keys"
		}
	}
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" {
		if strings.Contains(lower, email) {
			return "it contains the account's e-mail address"
		}
		local, _, _ := strings.Cut(email, "@")
		local, _, _ = strings.Cut(local, "+")
		if utf8.RuneCountInString(local) >= emailLocalPartMinLength && strings.Contains(lower, local) {
			return "it contains the account's e-mail address (the part before @)"
		}
	}
	return ""
}

func uniqueRunes(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// DefaultPasswordIterations is OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
const DefaultPasswordIterations = 600_000

const (
	passwordHashPrefix  = "pbkdf2-sha256"
	passwordSaltLen     = 16
	passwordKeyLen      = sha256.Size
	passwordMinSaltLen  = 8
	passwordMaxSaltLen  = 64
	passwordMaxIterSeen = 10_000_000
)

// ErrPasswordHashMalformed means a stored password hash cannot be read; the account cannot log in until
// its password is reset.
var ErrPasswordHashMalformed = errors.New("malformed password hash")

// PasswordHasher hashes passwords with salted PBKDF2-HMAC-SHA256 into self-describing strings of the form
// pbkdf2-sha256$<iterations>$<salt>$<hash> (unpadded standard base64), so the cost can be raised later
// without invalidating stored hashes.
type PasswordHasher struct {
	// Iterations for new hashes; zero means DefaultPasswordIterations. Tests use a low value.
	Iterations int
}

func (h PasswordHasher) iterations() int {
	if h.Iterations <= 0 {
		return DefaultPasswordIterations
	}
	return h.Iterations
}

// Hash returns the encoded hash of password under a fresh random salt.
func (h PasswordHasher) Hash(password string) (string, error) {
	salt := make([]byte, passwordSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generate password salt: %w", err)
	}
	iter := h.iterations()
	key, err := pbkdf2.Key(sha256.New, password, salt, iter, passwordKeyLen)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return strings.Join([]string{
		passwordHashPrefix,
		strconv.Itoa(iter),
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key),
	}, "$"), nil
}

// Verify reports whether password matches encoded, comparing in constant time. It uses the iterations
// recorded in encoded, not h.Iterations. A malformed encoded hash is an error wrapping
// ErrPasswordHashMalformed, never a match.
func (h PasswordHasher) Verify(password, encoded string) (bool, error) {
	p, err := parsePasswordHash(encoded)
	if err != nil {
		return false, err
	}
	key, err := pbkdf2.Key(sha256.New, password, p.salt, p.iterations, len(p.key))
	if err != nil {
		return false, fmt.Errorf("hash password: %w", err)
	}
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// VerifyMissing does the work of Verify for an account that does not exist and reports false, so that
// response times do not reveal which e-mail addresses have accounts.
func (h PasswordHasher) VerifyMissing(password string) bool {
	// The result is discarded; only the time spent matters.
	_, _ = pbkdf2.Key(sha256.New, password, make([]byte, passwordSaltLen), h.iterations(), passwordKeyLen)
	return false
}

// NeedsRehash reports whether encoded was made with fewer iterations than h uses now (or cannot be read),
// so the caller can store a new hash after a successful login.
func (h PasswordHasher) NeedsRehash(encoded string) bool {
	p, err := parsePasswordHash(encoded)
	return err != nil || p.iterations < h.iterations()
}

type passwordHash struct {
	iterations int
	salt, key  []byte
}

func parsePasswordHash(encoded string) (passwordHash, error) {
	malformed := func(why string) (passwordHash, error) {
		return passwordHash{}, fmt.Errorf("%w: %s", ErrPasswordHashMalformed, why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordHashPrefix {
		return malformed("want " + passwordHashPrefix + "$<iterations>$<salt>$<hash>")
	}
	iter, err := strconv.Atoi(parts[1])
	// The upper bound keeps a corrupted row from turning one login into minutes of work.
	if err != nil || iter < 1 || iter > passwordMaxIterSeen || parts[1] != strconv.Itoa(iter) {
		return malformed("bad iteration count")
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(salt) < passwordMinSaltLen || len(salt) > passwordMaxSaltLen {
		return malformed("bad salt")
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[3])
	if err != nil || len(key) != passwordKeyLen {
		return malformed("bad hash")
	}
	return passwordHash{iterations: iter, salt: salt, key: key}, nil
}
