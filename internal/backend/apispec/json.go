package apispec

import (
	"encoding/json"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// parseJSON reads a JSON document into the same node tree the YAML decoder builds, with lines and
// columns, several times faster than the YAML decoder reads the same text. Nesting deeper than
// MaxDepth is refused as it is met, so the recursion is bounded.
func parseJSON(content []byte) (*yaml.Node, *Error) {
	p := &jsonParser{src: content, line: 1}
	p.skipSpace()
	root, err := p.value(1)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, p.errorf("invalid JSON: text after the end of the document; remove it")
	}
	return root, nil
}

type jsonParser struct {
	src       []byte
	pos       int
	line      int
	lineStart int
	slab      []yaml.Node // nodes are allocated in blocks: a document has thousands
}

func (p *jsonParser) node(kind yaml.Kind, tag string) *yaml.Node {
	if len(p.slab) == 0 {
		p.slab = make([]yaml.Node, 256)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	n.Kind, n.Tag = kind, tag
	n.Line, n.Column = p.line, p.pos-p.lineStart+1
	return n
}

func (p *jsonParser) errorf(format string, args ...any) *Error {
	return &Error{Line: p.line, Column: p.pos - p.lineStart + 1, Message: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

func (p *jsonParser) value(depth int) (*yaml.Node, *Error) {
	if p.pos >= len(p.src) {
		return nil, p.errorf("invalid JSON: the text ends where a value should be; close every object and array")
	}
	switch c := p.src[p.pos]; {
	case c == '{' || c == '[':
		if depth > MaxDepth {
			return nil, p.errorf(depthMessage)
		}
		if c == '{' {
			return p.object(depth)
		}
		return p.array(depth)
	case c == '"':
		n := p.node(yaml.ScalarNode, "!!str")
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n.Value, n.Style = s, yaml.DoubleQuotedStyle
		return n, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		for _, lit := range []struct{ text, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
			if strings.HasPrefix(string(p.src[p.pos:min(len(p.src), p.pos+5)]), lit.text) {
				n := p.node(yaml.ScalarNode, lit.tag)
				n.Value = lit.text
				p.pos += len(lit.text)
				return n, nil
			}
		}
		return nil, p.errorf("invalid JSON: unexpected %s where a value should be; quote strings with \"", p.describe())
	}
}

// describe names the character at the current position for an error.
func (p *jsonParser) describe() string {
	if p.pos >= len(p.src) {
		return "end of text"
	}
	c := p.src[p.pos]
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", rune(c))
}

func (p *jsonParser) object(depth int) (*yaml.Node, *Error) {
	n := p.node(yaml.MappingNode, "!!map")
	n.Style = yaml.FlowStyle
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, p.errorf("invalid JSON: expected a quoted key, found %s", p.describe())
		}
		key := p.node(yaml.ScalarNode, "!!str")
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		key.Value = s
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errorf("invalid JSON: expected ':' after the key %q, found %s", truncate(s, 40), p.describe())
		}
		p.pos++
		p.skipSpace()
		value, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, key, value)
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		return nil, p.errorf("invalid JSON: expected ',' or '}' after the value of %q, found %s", truncate(s, 40), p.describe())
	}
}

func (p *jsonParser) array(depth int) (*yaml.Node, *Error) {
	n := p.node(yaml.SequenceNode, "!!seq")
	n.Style = yaml.FlowStyle
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		value, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, value)
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			p.skipSpace()
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		return nil, p.errorf("invalid JSON: expected ',' or ']' in a list, found %s", p.describe())
	}
}

// str reads a quoted string; the common string without escapes is a plain slice.
func (p *jsonParser) str() (string, *Error) {
	start := p.pos
	p.pos++ // "
	escaped := false
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == '"':
			p.pos++
			if !escaped {
				return string(p.src[start+1 : p.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.src[start:p.pos], &s); err != nil {
				p.pos = start
				return "", p.errorf("invalid JSON: a string has an invalid escape sequence; use \\\", \\\\, \\n, \\uXXXX ...")
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.pos += 2
			continue
		case c < 0x20:
			if c == '\n' {
				return "", p.errorf("invalid JSON: a string is not closed before the end of the line; close it with \"")
			}
			return "", p.errorf("invalid JSON: a string holds the control character 0x%02x; write it as \\u%04x", c, c)
		}
		p.pos++
	}
	p.pos = start
	return "", p.errorf("invalid JSON: a string is not closed; close it with \"")
}

// number reads a JSON number, which stays text: the tree keeps what the document wrote.
func (p *jsonParser) number() (*yaml.Node, *Error) {
	start := p.pos
	float := false
	if p.src[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.errorf("invalid JSON: a number needs digits after '-'")
	}
	if p.src[intStart] == '0' && p.pos-intStart > 1 {
		p.pos = intStart
		return nil, p.errorf("invalid JSON: a number cannot start with 0; remove the leading zero or quote the value")
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		float = true
		p.pos++
		if digits() == 0 {
			return nil, p.errorf("invalid JSON: a number needs digits after '.'")
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		float = true
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("invalid JSON: a number needs digits in its exponent")
		}
	}
	tag := "!!int"
	if float {
		tag = "!!float"
	}
	end := p.pos
	p.pos = start
	n := p.node(yaml.ScalarNode, tag)
	p.pos = end
	n.Value = string(p.src[start:end])
	return n, nil
}
