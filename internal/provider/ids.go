package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// emailPattern is a loose check that catches values that are clearly not addresses at plan time;
// the server has the final word. Any case is accepted: the server compares addresses ignoring it.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// splitImportID splits a composite import id into n non-empty parts separated by "/".
func splitImportID(id string, n int) ([]string, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != n {
		return nil, false
	}
	for _, p := range parts {
		if p == "" {
			return nil, false
		}
	}
	return parts, true
}

func addImportIDError(diags *diag.Diagnostics, id, format string) {
	diags.AddError("Invalid import ID",
		fmt.Sprintf("The import ID %q does not have the form %s. Use the IDs shown by the API, separated by \"/\".", id, format))
}

// formatTimestamp formats a server time as RFC 3339 in UTC; the zero time gives "".
func formatTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// apiKeyPattern is the alphabet of keys supplied by callers.
var apiKeyPattern = regexp.MustCompile(`^[A-Za-z0-9\-._~+/=]+$`)

// rfc3339Validator checks that a string is an RFC 3339 date-time.
type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 date-time such as 2030-01-31T00:00:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid date-time",
			fmt.Sprintf("%s = %q is not valid: the value %s.", req.Path, req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
