package router

import (
	"strings"
)

// UpstreamPath is the path sent upstream: the service path joined with the request path, the
// matched prefix removed when strip_path, following path_handling v0 / v1 as Kong documents them.
// requestPath is Match.RequestPath; servicePath "" stands for "/".
func UpstreamPath(servicePath string, m Match, requestPath string) string {
	base := servicePath
	if base == "" {
		base = "/"
	}
	if requestPath == "" {
		requestPath = "/"
	}
	strip := m.Route != nil && m.Route.StripPath
	postfix := requestPath[1:]
	if matched := m.Path + m.RegexMatch; strip && matched != "" && strings.HasPrefix(requestPath, matched) {
		postfix = sanitizePostfix(requestPath[len(matched):])
	}
	if m.Route != nil && m.Route.PathHandling == "v1" {
		return upstreamPathV1(base, postfix, requestPath, strip)
	}
	return upstreamPathV0(base, postfix, requestPath, strip)
}

// upstreamPathV1 concatenates the service path and what is left of the request path, dropping
// one slash where both bring one.
func upstreamPathV1(base, postfix, requestPath string, strip bool) string {
	if !strip {
		return base + requestPath[1:]
	}
	if strings.HasSuffix(base, "/") && strings.HasPrefix(postfix, "/") {
		return base[:len(base)-1] + postfix
	}
	return base + postfix
}

// upstreamPathV0 joins the service path and what is left of the request path with exactly one
// slash, and keeps a trailing slash of the request.
func upstreamPathV0(base, postfix, requestPath string, strip bool) string {
	if strings.HasSuffix(base, "/") {
		switch {
		case !strip:
			return base + requestPath[1:]
		case postfix == "" && base == "/":
			return "/"
		case postfix == "" && strings.HasSuffix(requestPath, "/"):
			return base
		case postfix == "":
			return base[:len(base)-1]
		case postfix[0] == '/':
			return base[:len(base)-1] + postfix
		default:
			return base + postfix
		}
	}
	switch {
	case !strip && requestPath == "/":
		return base
	case !strip:
		return base + requestPath
	case postfix == "" && len(requestPath) > 1 && strings.HasSuffix(requestPath, "/"):
		return base + "/"
	case postfix == "":
		return base
	case postfix[0] == '/':
		return base + postfix
	default:
		return base + "/" + postfix
	}
}

// sanitizePostfix drops a leading dot segment that stripping a prefix can leave behind, so that
// the upstream path cannot climb out of the service path.
func sanitizePostfix(p string) string {
	switch {
	case p == "." || p == "..":
		return ""
	case strings.HasPrefix(p, "./"):
		return p[2:]
	case strings.HasPrefix(p, "../"):
		return p[3:]
	}
	return p
}

// normalizePath normalizes an escaped request path: percent-encoded unreserved characters are
// decoded, other percent-encodings upper-cased, dot segments removed (RFC 3986 6.2.2, 5.2.4).
func normalizePath(p string) string {
	if p == "" {
		return "/"
	}
	if !strings.Contains(p, "%") && !hasDotSegment(p) {
		return p
	}
	return removeDotSegments(decodeUnreserved(p))
}

func hasDotSegment(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") ||
		strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}

func decodeUnreserved(p string) string {
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			v := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(p[i+1 : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// removeDotSegments is RFC 3986 section 5.2.4 on an absolute path.
func removeDotSegments(p string) string {
	trailing := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	var out []string
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		switch seg {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	res := "/" + strings.Join(out, "/")
	if trailing && !strings.HasSuffix(res, "/") {
		res += "/"
	}
	return res
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
