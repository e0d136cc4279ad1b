package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ validator.String = serverURLValidator{}
	_ validator.String = durationValidator{}
	_ validator.String = uuidValidator{}
	_ validator.String = jsonObjectValidator{}
	_ validator.String = headerNameValidator{}
	_ validator.String = routePathValidator{}
)

// serverURLValidator checks a server URL and its {region} placeholder.
type serverURLValidator struct{}

func (serverURLValidator) Description(context.Context) string {
	return "must be an http or https URL whose only placeholder is {region}"
}

func (v serverURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (serverURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := client.ResolveServerURL(req.ConfigValue.ValueString(), client.DefaultRegion); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid server URL", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// durationValidator checks a positive Go duration string.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return `must be a positive duration such as "30s" or "2m"`
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidValidator checks that a string is a UUID, or empty when allowEmpty is set.
type uuidValidator struct {
	allowEmpty bool
}

func (v uuidValidator) Description(context.Context) string {
	if v.allowEmpty {
		return "must be a UUID or the empty string"
	}
	return "must be a UUID"
}

func (v uuidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v uuidValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if (s == "" && v.allowEmpty) || uuidPattern.MatchString(s) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid ID",
		fmt.Sprintf("%s = %q is not valid: the value %s.", req.Path, s, v.Description(ctx)))
}

// jsonObjectValidator checks that a string holds a JSON object without the given keys.
type jsonObjectValidator struct {
	reserved []string
}

func (v jsonObjectValidator) Description(context.Context) string {
	return "must be a JSON object"
}

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON object",
			fmt.Sprintf("%s must be a JSON object such as jsonencode({ audience = [\"api\"] }).", req.Path))
		return
	}
	for _, k := range v.reserved {
		if _, ok := obj[k]; ok {
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved property",
				fmt.Sprintf("%s must not contain %q: set it through its own attribute.", req.Path, k))
		}
	}
}

// headerNameValidator checks that a string can be an HTTP header field name: a token in the
// sense of RFC 9110, section 5.6.2.
type headerNameValidator struct{}

func (headerNameValidator) Description(context.Context) string {
	return "must be a non-empty HTTP header name: letters, digits and !#$%&'*+-.^_`|~ only"
}

func (v headerNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (headerNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if isHTTPToken(s) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid key name",
		fmt.Sprintf("%s = %q cannot be an HTTP header name. A key name must be non-empty and may contain only "+
			"letters, digits and the characters !#$%%&'*+-.^_`|~ (no spaces, colons or other separators).", req.Path, s))
}

// isHTTPToken tells whether s is a non-empty RFC 9110 token.
func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// routePathValidator checks a route path as the server does: it starts with '/' (or '~/' for a
// regular expression) and a fixed path has no empty segment.
type routePathValidator struct{}

func (routePathValidator) Description(context.Context) string {
	return "must start with '/' (or '~/' for a regular expression) and have no empty segment"
}

func (v routePathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (routePathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	switch {
	case strings.HasPrefix(p, "~/"):
	case !strings.HasPrefix(p, "/"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid route path",
			fmt.Sprintf("%s: %q must start with '/' (or '~/' for a regular expression), such as \"/orders\".", req.Path, p))
	case strings.Contains(p, "//"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid route path",
			fmt.Sprintf("%s: %q has an empty segment ('//'): remove it.", req.Path, p))
	}
}
