package store

import (
	"encoding/json"
	"maps"
	"testing"
)

func TestDecodeLabels(t *testing.T) {
	tests := []struct {
		stored string
		ok     bool // read without the JSON decoder
	}{
		{`{}`, true},
		{`{"team":"bench"}`, true},
		{`{"a":"","b":"x y","é":"ü"}`, true},
		{`{"a":"1","a":"2"}`, true},
		{`{"a":"\u003c"}`, false},
		{`{"a":"\""}`, false},
		{`{ "a":"b"}`, false},
		{`{"a":"b",}`, false},
		{`{"a":"b"`, false},
		{`{"a":1}`, false},
		{`{"a":"b""c":"d"}`, false},
		{`{"a"}`, false},
		{"{\"a\":\"\x01\"}", false},
		{"{\"a\":\"\xff\"}", false},
		{`null`, false},
		{``, false},
	}
	for _, tt := range tests {
		got, ok := decodeLabels(tt.stored)
		if ok != tt.ok {
			t.Errorf("decodeLabels(%q) ok = %v, want %v", tt.stored, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		var want map[string]string
		if err := json.Unmarshal([]byte(tt.stored), &want); err != nil {
			t.Fatalf("json.Unmarshal(%q): %v", tt.stored, err)
		}
		if !maps.Equal(got, want) {
			t.Errorf("decodeLabels(%q) = %v, want %v as encoding/json reads it", tt.stored, got, want)
		}
	}
}
