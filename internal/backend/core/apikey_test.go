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
		{value: 100, unit: "years", want: time.Date(2124, 2, 29, 10, 0, 0, 0, time.UTC)},
		{value: 36500, unit: "days", want: time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 36500)},
		{value: 5200, unit: "weeks", want: time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 36400)},
		{value: 101, unit: "years", wantErr: "at most 100 years"},
		{value: 36501, unit: "days", wantErr: "at most 36500 days"},
		{value: 5201, unit: "weeks", wantErr: "at most 5200 weeks"},
		{value: math.MaxInt, unit: "years", wantErr: "longer than 100 years"},
		{value: math.MaxInt / 7, unit: "weeks", wantErr: "longer than 100 years"},
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

func TestCheckAPIKeyExpiresAt(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name      string
		expiresAt time.Time
		want      string // a part of the reason; "" for none
	}{
		{"tomorrow", now.AddDate(0, 0, 1), ""},
		{"the latest allowed", now.AddDate(100, 0, 0), ""},
		{"now", now, "in the future"},
		{"past", now.Add(-time.Second), "in the future"},
		{"a second too late", now.AddDate(100, 0, 0).Add(time.Second), "at most 100 years ahead"},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), "at most 100 years ahead"},
		{"year 10000", time.Date(10000, 1, 1, 4, 59, 59, 0, time.UTC), "at most 100 years ahead"},
	}
	for _, tt := range tests {
		vs := CheckAPIKeyExpiresAt("expires_at", tt.expiresAt, now)
		switch {
		case tt.want == "" && len(vs) > 0:
			t.Errorf("%s: unexpected violations %v", tt.name, vs)
		case tt.want != "" && (len(vs) != 1 || vs[0].Field != "expires_at" || !strings.Contains(vs[0].Reason, tt.want)):
			t.Errorf("%s: violations %v, want one on expires_at containing %q", tt.name, vs, tt.want)
		}
	}
}

// knownAPIKeyHash is sha256("dpk_example") as computed by sha256sum.
const knownAPIKeyHash = "8eed3f059846409108b4a2a7afc0562f6b4e11860c957e0f651b3f2c5f105eb0"
