package core

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestGenerateAPIKey(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	const n = 200
	for range n {
		key, err := GenerateAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, "dpk_") || len(key) != len("dpk_")+43 {
			t.Fatalf("GenerateAPIKey() = %q, want dpk_ and 43 characters", key)
		}
		if err := CheckAPIKey(key); err != nil {
			t.Fatalf("generated key %q fails CheckAPIKey: %v", key, err)
		}
		if seen[key] {
			t.Fatalf("GenerateAPIKey() repeated %q", key)
		}
		seen[key] = true
		for _, r := range strings.TrimPrefix(key, "dpk_") {
			if !strings.ContainsRune(apiKeyAlphabet, r) {
				t.Fatalf("key %q has %q outside base62", key, r)
			}
			counts[r]++
		}
	}
	// 8600 draws over 62 symbols: each expects ~139 (standard deviation ~12). The bounds, six deviations
	// wide, catch a generator that skips symbols or strongly favours some; they do not flake.
	if len(counts) != 62 {
		t.Errorf("keys use %d distinct characters, want all 62", len(counts))
	}
	for r, c := range counts {
		if c < 70 || c > 220 {
			t.Errorf("character %q drawn %d times out of %d, far from uniform", r, c, n*43)
		}
	}
}

func TestHashAPIKey(t *testing.T) {
	got := HashAPIKey("dpk_example")
	if len(got) != 64 || strings.Trim(got, "0123456789abcdef") != "" {
		t.Fatalf("HashAPIKey() = %q, want 64 lower-case hex digits", got)
	}
	if got != knownAPIKeyHash {
		t.Errorf("HashAPIKey(dpk_example) = %s, want %s", got, knownAPIKeyHash)
	}
	if !APIKeyMatches("dpk_example", got) {
		t.Error("APIKeyMatches(key, its hash) = false")
	}
	if APIKeyMatches("dpk_examplf", got) || APIKeyMatches("dpk_example", "") || APIKeyMatches("dpk_example", strings.ToUpper(got)) {
		t.Error("APIKeyMatches accepted a wrong key or hash")
	}
}

func TestAPIKeyHint(t *testing.T) {
	tests := []struct{ key, want string }{
		{"dpk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "DEFG"},
		{"abcdefghijklmnop", "mnop"},
		{"abcdefghijklmno", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := APIKeyHint(tt.key); got != tt.want {
			t.Errorf("APIKeyHint(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestCheckAPIKey(t *testing.T) {
	tests := []struct {
		key, wantErr string
	}{
		{"abcdefghijklmnop", ""},
		{"ABC-def_123.4~5+6/7==", ""},
		{strings.Repeat("k", 256), ""},
		{"abcdefghijklmno", "at least 16"},
		{"", "at least 16"},
		{strings.Repeat("k", 257), "at most 256"},
		{"abcdefgh ijklmnop", `character ' '`},
		{"abcdefghijklmnop\n", `character '\n'`},
		{"abcdefghijklmnopé", `character 'é'`},
		{"abcdefgh:ijklmnop", `character ':'`},
	}
	for _, tt := range tests {
		err := CheckAPIKey(tt.key)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("CheckAPIKey(%q) = %v, want nil", tt.key, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrAPIKeyInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckAPIKey(%q) = %v, want ErrAPIKeyInvalid containing %q", tt.key, err, tt.wantErr)
		}
	}
}

func TestAPIKeyLimitReached(t *testing.T) {
	for n, want := range map[int]bool{0: false, 19: false, 20: true, 21: true} {
		if got := APIKeyLimitReached(n); got != want {
			t.Errorf("APIKeyLimitReached(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestAPIKeyExpired(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		expiresAt time.Time
		want      bool
	}{
		{"never", time.Time{}, false},
		{"future", now.Add(time.Second), false},
		{"exactly now", now, true},
		{"past", now.Add(-time.Hour), true},
		{"same instant in another zone", now.In(time.FixedZone("X", 3600)), true},
	}
	for _, tt := range tests {
		if got := APIKeyExpired(tt.expiresAt, now); got != tt.want {
			t.Errorf("%s: APIKeyExpired() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAPIKeyExpiresAt(t *testing.T) {
	created := time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		value   int
		unit    string
		want    time.Time
		wantErr string
	}{
		{value: 1, unit: "days", want: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)},
		{value: 2, unit: "weeks", want: time.Date(2024, 3, 14, 10, 0, 0, 0, time.UTC)},
		{value: 1, unit: "years", want: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)},
		{value: 0, unit: "days", wantErr: "at least 1"},
		{value: 3, unit: "months", wantErr: "days, weeks or years"},
		{value: math.MaxInt, unit: "years", wantErr: "too large"},
	}
	for _, tt := range tests {
		got, err := APIKeyExpiresAt(created, tt.value, tt.unit)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("APIKeyExpiresAt(%d %s) = %v, %v; want error containing %q", tt.value, tt.unit, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("APIKeyExpiresAt(%d %s) = %v, %v; want %v", tt.value, tt.unit, got, err, tt.want)
		}
	}
}

// knownAPIKeyHash is sha256("dpk_example") as computed by sha256sum.
const knownAPIKeyHash = "8eed3f059846409108b4a2a7afc0562f6b4e11860c957e0f651b3f2c5f105eb0"
