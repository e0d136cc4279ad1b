package core

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name, password, wantErr string
	}{
		{"twelve characters", "plum-ferry-42", ""},
		{"passphrase with spaces", "correct horse battery", ""},
		{"twelve multi-byte characters", "éàüöçñøåßæœþ", ""},
		{"maximum length", strings.Repeat("harbour-lantern-", 16), ""},
		{"too short", "plum-ferry4", "at least 12"},
		{"short in characters though long in bytes", strings.Repeat("é", 11), "at least 12"},
		{"empty", "", "at least 12"},
		{"too long", strings.Repeat("x", 257), "at most 256"},
		{"only spaces", strings.Repeat(" ", 12), "only of spaces"},
		{"only mixed whitespace", " \u00a0 \u2003     \u3000   ", "only of spaces"},
		{"control character", "plum-ferry-42\x00", "control characters"},
		{"invalid UTF-8", "plum-ferry-42\xff", "UTF-8"},
		{"common password", "qwertyuiop123", "most commonly used"},
		{"common password in capitals", "PASSWORD1234", "most commonly used"},
		{"famous passphrase", "correct horse battery staple", "most commonly used"},
		{"common password padded", "iloveyou2026!!", "digits or symbols added"},
		{"common password padded in front", "2026!Sunshine", "digits or symbols added"},
		{"one character repeated", strings.Repeat("z", 12), "too few different"},
		{"short pattern repeated", "abababababab", "too few different"},
		{"alphabet run", "bcdefghijklm", "consecutive"},
		{"digit run across zero", "789012345678", "consecutive"},
		{"keyboard row backwards", "lkjhgfdsapoi", "consecutive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tt.password, "")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckPasswordPolicy() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrPasswordPolicy) {
				t.Fatalf("CheckPasswordPolicy() = %v, want an ErrPasswordPolicy error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckPasswordPolicyRefusesTheEmailAddress(t *testing.T) {
	tests := []struct {
		name, password, email, wantErr string
	}{
		{"whole address", "x-ada.l@example.com-x", "Ada.L@example.com", "e-mail address"},
		{"local part", "my name is ada.lovelace", "ada.lovelace@example.com", "the part before @"},
		{"local part without its tag", "ada.lovelace rocks!", "ada.lovelace+portal@example.com", "the part before @"},
		{"short local part is too common to matter", "plum-ferry-42", "um@example.com", ""},
		{"unrelated", "plum-ferry-42", "ada@example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tt.password, tt.email)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckPasswordPolicy() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckPasswordPolicy() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// testPasswordHasher keeps tests fast; the production cost is checked separately.
var testPasswordHasher = PasswordHasher{Iterations: 1000}

func TestPasswordHasherRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse battery", strings.Repeat("é", 256), "p@$$w0rd$with$dollars"} {
		encoded, err := testPasswordHasher.Hash(pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(encoded, "pbkdf2-sha256$1000$") {
			t.Errorf("Hash() = %q, want the pbkdf2-sha256$1000$ prefix", encoded)
		}
		if strings.Contains(encoded, pw) {
			t.Errorf("Hash() = %q contains the password", encoded)
		}
		ok, err := testPasswordHasher.Verify(pw, encoded)
		if err != nil || !ok {
			t.Errorf("Verify(right password) = %v, %v", ok, err)
		}
		ok, err = testPasswordHasher.Verify(pw+"x", encoded)
		if err != nil || ok {
			t.Errorf("Verify(wrong password) = %v, %v", ok, err)
		}
	}
}

func TestPasswordHasherSaltsEachHash(t *testing.T) {
	a, err := testPasswordHasher.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	b, err := testPasswordHasher.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of the same password are equal: %q", a)
	}
}

// TestPasswordHasherKnownAnswer pins the encoding against a vector computed independently
// (Python: hashlib.pbkdf2_hmac("sha256", b"correct horse battery", b"0123456789abcdef", 1000)).
func TestPasswordHasherKnownAnswer(t *testing.T) {
	const encoded = "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg$" + knownPBKDF2Hash
	ok, err := PasswordHasher{}.Verify("correct horse battery", encoded)
	if err != nil || !ok {
		t.Fatalf("Verify(known vector) = %v, %v", ok, err)
	}
}

func TestPasswordHasherUsesStoredIterations(t *testing.T) {
	encoded, err := testPasswordHasher.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	ok, err := PasswordHasher{Iterations: 2000}.Verify("correct horse battery", encoded)
	if err != nil || !ok {
		t.Errorf("Verify with another cost = %v, %v; want the stored cost to be used", ok, err)
	}
}

func TestPasswordHasherDefaultCost(t *testing.T) {
	if got := (PasswordHasher{}).iterations(); got != 600_000 {
		t.Errorf("default iterations = %d, want 600000", got)
	}
}

func TestPasswordHasherNeedsRehash(t *testing.T) {
	encoded, err := testPasswordHasher.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		hasher  PasswordHasher
		encoded string
		want    bool
	}{
		{"same cost", testPasswordHasher, encoded, false},
		{"lower target cost", PasswordHasher{Iterations: 500}, encoded, false},
		{"higher target cost", PasswordHasher{}, encoded, true},
		{"unreadable", testPasswordHasher, "garbage", true},
	}
	for _, tt := range tests {
		if got := tt.hasher.NeedsRehash(tt.encoded); got != tt.want {
			t.Errorf("%s: NeedsRehash() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPasswordHasherRejectsMalformed(t *testing.T) {
	const salt = "MDEyMzQ1Njc4OWFiY2RlZg"
	for _, encoded := range []string{
		"",
		"garbage",
		"pbkdf2-sha256$1000$" + salt,
		"pbkdf2-sha256$1000$" + salt + "$" + knownPBKDF2Hash + "$extra",
		"pbkdf2-sha1$1000$" + salt + "$" + knownPBKDF2Hash,
		"bcrypt$1000$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$0$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$-5$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$+1000$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$01000$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$99999999999$" + salt + "$" + knownPBKDF2Hash,
		"pbkdf2-sha256$1000$$" + knownPBKDF2Hash,
		"pbkdf2-sha256$1000$c2FsdA$" + knownPBKDF2Hash,
		"pbkdf2-sha256$1000$" + salt + "==$" + knownPBKDF2Hash,
		"pbkdf2-sha256$1000$" + salt + "$" + knownPBKDF2Hash[:20],
		"pbkdf2-sha256$1000$" + salt + "$not*base64",
	} {
		ok, err := testPasswordHasher.Verify("correct horse battery", encoded)
		if ok || !errors.Is(err, ErrPasswordHashMalformed) {
			t.Errorf("Verify(%q) = %v, %v; want ErrPasswordHashMalformed", encoded, ok, err)
		}
	}
}

func TestPasswordHasherVerifyMissing(t *testing.T) {
	if testPasswordHasher.VerifyMissing("correct horse battery") {
		t.Error("VerifyMissing() = true, want false")
	}
}

const knownPBKDF2Hash = "BVALGMmC/K/8ELErc5VgJxyPFApArIZRCQsqjEgZWJ4"
