package core

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

const (
	// IdempotencyKeyHeader is the request header that makes a repeated request return the first answer.
	IdempotencyKeyHeader = "Idempotency-Key"
	// IdempotentReplayedHeader marks a response that repeats a stored one.
	IdempotentReplayedHeader = "Idempotent-Replayed"
	// IdempotencyKeyMaxLength bounds an Idempotency-Key value, in bytes.
	IdempotencyKeyMaxLength = 255
	// IdempotencyRetention is how long the answer to a request with an Idempotency-Key is replayed.
	// It outlasts any retry sequence of a client by far, and a day bounds what the store holds.
	IdempotencyRetention = 24 * time.Hour
	// IdempotencyPurgeBatch bounds how many expired records one request deletes, so that a backlog
	// never makes one request slow; each stored record purges up to this many, so the backlog shrinks.
	IdempotencyPurgeBatch = 100
)

// IdempotencyRecord is the stored answer to one request made with an Idempotency-Key.
type IdempotencyRecord struct {
	LookupHash  string // derived from credential and key; the key itself is not stored
	Credential  string // who made the request, e.g. "admin:<token hash>"
	Fingerprint string // of method, region, path, query and body, keyed by the key
	Sealed      []byte // the StoredResponse, encrypted with a key derived from the key
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// StoredResponse is what a replay sends: status, the headers that matter and the body.
type StoredResponse struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// ValidateIdempotencyKey checks the Idempotency-Key values of a request: exactly one, of 1 to
// IdempotencyKeyMaxLength printable ASCII characters (0x20 to 0x7E).
func ValidateIdempotencyKey(values []string) []Violation {
	header := func(v Violation) []Violation {
		v.Field, v.Source = IdempotencyKeyHeader, "header"
		return []Violation{v}
	}
	switch {
	case len(values) > 1:
		return header(Violation{Rule: "invalid", Reason: "send one Idempotency-Key header, not several"})
	case len(values) == 0 || values[0] == "":
		v := MinLengthViolation("", 1)
		v.Reason += "; a random UUID is a good key"
		return header(v)
	case len(values[0]) > IdempotencyKeyMaxLength:
		return header(MaxLengthViolation("", IdempotencyKeyMaxLength))
	}
	for _, c := range []byte(values[0]) {
		if c < 0x20 || c > 0x7e {
			return header(Violation{Rule: "matches_regex", Reason: "must contain only printable ASCII characters, space to ~"})
		}
	}
	return nil
}

// IdempotencySecrets are derived from a credential and an Idempotency-Key. The store keeps the
// lookup hash, never the key, so a stored answer can be found and read only by someone who
// presents the same key with the same credential: a database copy alone reveals neither the
// answers, which may hold a new API key's secret, nor what the requests were.
type IdempotencySecrets struct {
	LookupHash     string
	fingerprintKey []byte
	sealKey        []byte
}

// DeriveIdempotencySecrets derives the lookup hash and the fingerprint and sealing keys of one
// credential's key through HKDF-SHA256, one purpose each.
func DeriveIdempotencySecrets(credential, key string) IdempotencySecrets {
	derive := func(purpose string) []byte {
		b, err := hkdf.Key(sha256.New, []byte(key), []byte(credential), "devportal idempotency "+purpose, 32)
		if err != nil {
			// Only a length beyond 255*32 bytes fails; 32 never does.
			panic(err)
		}
		return b
	}
	return IdempotencySecrets{
		LookupHash:     hex.EncodeToString(derive("lookup")),
		fingerprintKey: derive("fingerprint"),
		sealKey:        derive("seal"),
	}
}

// Fingerprint identifies a request: method, region, path, query and body. Two requests with the
// same key are the same request only when their fingerprints are equal.
func (s IdempotencySecrets) Fingerprint(method, region, path, rawQuery string, body []byte) string {
	bodyHash := sha256.Sum256(body)
	m := hmac.New(sha256.New, s.fingerprintKey)
	for _, part := range []string{method, region, path, rawQuery} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	m.Write(bodyHash[:])
	return hex.EncodeToString(m.Sum(nil))
}

// SameFingerprint compares two fingerprints in constant time.
func SameFingerprint(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// Seal encrypts resp with AES-256-GCM under the sealing key, bound to the lookup hash.
func (s IdempotencySecrets) Seal(resp StoredResponse) ([]byte, error) {
	plain, err := json.Marshal(resp)
	if err != nil {
		return nil, err
	}
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plain, []byte(s.LookupHash)), nil
}

// Open decrypts what Seal returned.
func (s IdempotencySecrets) Open(sealed []byte) (StoredResponse, error) {
	aead, err := s.aead()
	if err != nil {
		return StoredResponse{}, err
	}
	if len(sealed) < aead.NonceSize() {
		return StoredResponse{}, errors.New("idempotency record: sealed response too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(s.LookupHash))
	if err != nil {
		return StoredResponse{}, fmt.Errorf("idempotency record: %w", err)
	}
	var resp StoredResponse
	if err := json.Unmarshal(plain, &resp); err != nil {
		return StoredResponse{}, fmt.Errorf("idempotency record: %w", err)
	}
	return resp, nil
}

func (s IdempotencySecrets) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.sealKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// IdempotencyOutcome says what becomes of a request made with an Idempotency-Key, by the status
// its handler answered.
type IdempotencyOutcome int

const (
	// StoreAndCommit keeps the change and the answer, which repeats replay: 2xx, and the 4xx that
	// a repeat of the same request would get again.
	StoreAndCommit IdempotencyOutcome = iota
	// CommitOnly keeps what the handler did but not the answer, which depends on more than the
	// request: 401 and 403 (the credential or its rights), 408.
	CommitOnly
	// RollBack undoes the whole request and stores nothing, so that a retry runs it again and can
	// succeed: 5xx (the server failed) and 429 (the server asked to come back later).
	RollBack
)

// IdempotencyOutcomeOf returns the outcome for status.
func IdempotencyOutcomeOf(status int) IdempotencyOutcome {
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		return RollBack
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusRequestTimeout:
		return CommitOnly
	case status >= 200 && status < 500:
		return StoreAndCommit
	}
	return RollBack
}

// IdempotentMethod reports whether method is one that repeats harmlessly by itself, so that an
// Idempotency-Key adds nothing to it: GET, HEAD, OPTIONS and TRACE.
func IdempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
