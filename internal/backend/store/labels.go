package store

import (
	"strings"
	"unicode/utf8"
)

// decodeLabels reads the labels column, a JSON object of strings as json.Marshal writes it, without
// the JSON decoder when it can: the decoder was about a tenth of a list's CPU, with every listed
// API carrying labels. Text it does not read exactly as the decoder would (escapes, spaces,
// invalid UTF-8, anything unexpected) gives ok false, and the caller decodes it with
// encoding/json.
func decodeLabels(s string) (labels map[string]string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || strings.IndexByte(s, '\\') >= 0 || !utf8.ValidString(s) {
		return nil, false
	}
	body := s[1 : len(s)-1]
	labels = map[string]string{}
	for body != "" {
		key, rest, ok := cutJSONString(body)
		if !ok || rest == "" || rest[0] != ':' {
			return nil, false
		}
		value, rest, ok := cutJSONString(rest[1:])
		if !ok {
			return nil, false
		}
		labels[key] = value
		if rest == "" {
			break
		}
		if rest[0] != ',' || rest == "," {
			return nil, false
		}
		body = rest[1:]
	}
	return labels, true
}

// cutJSONString reads the JSON string, free of escapes, at the start of s and returns its text
// and what follows it.
func cutJSONString(s string) (text, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	text = s[1 : 1+end]
	for i := range len(text) {
		if text[i] < 0x20 { // a control character, which JSON allows only escaped
			return "", "", false
		}
	}
	return text, s[2+end:], true
}
