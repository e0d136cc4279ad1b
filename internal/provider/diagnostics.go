package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// defaultNotFoundHint is the advice given after a 404 when nothing likelier is known.
const defaultNotFoundHint = "Check the ID and that the provider's region is the object's region."

// addAPIError reports a failed API call: summary says what failed, detail
// names the object and carries the server's explanation.
func addAPIError(diags *diag.Diagnostics, summary, object string, err error) {
	wireFields(nil).addAPIError(diags, summary, object, err)
}

// addAPIErrorHint is addAPIError with the advice given after a 404, for callers
// that know the likelier cause of a missing object than a wrong ID or region.
func addAPIErrorHint(diags *diag.Diagnostics, summary, object string, err error, notFoundHint string) {
	wireFields(nil).addAPIErrorHint(diags, summary, object, err, notFoundHint)
}

// wireFields maps the field names a server reports in invalid_parameters to the attributes
// that hold them, so that a rejected field is reported on the attribute the user wrote. A
// field also matches the entry of its longest prefix ending before a "." or "[": the rest of
// its name is kept in the message.
type wireFields map[string]path.Path

// addAPIError is the package-level addAPIError with rejected fields reported on their attributes.
func (f wireFields) addAPIError(diags *diag.Diagnostics, summary, object string, err error) {
	f.addAPIErrorHint(diags, summary, object, err, defaultNotFoundHint)
}

// addAPIErrorHint is the package-level addAPIErrorHint with rejected fields reported on their
// attributes. Fields the map does not know stay in one error, under the server's names.
func (f wireFields) addAPIErrorHint(diags *diag.Diagnostics, summary, object string, err error, notFoundHint string) {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		detail := fmt.Sprintf("%s: %s", object, err)
		if client.IsConnectionRefused(err) {
			detail += "\n\nNo server answered. Check server_url (or DEVPORTAL_SERVER_URL) and that the server is running."
		}
		diags.AddError(summary, detail)
		return
	}
	if apiErr.StatusCode == http.StatusBadRequest && len(f) > 0 {
		rest := *apiErr
		rest.InvalidParameters = nil
		for _, p := range apiErr.InvalidParameters {
			attr, name, ok := f.attribute(p.Field)
			if !ok {
				rest.InvalidParameters = append(rest.InvalidParameters, p)
				continue
			}
			advice := fmt.Sprintf("Correct %s as the server explains, then apply again.", name)
			if p.Rule == "invalid" {
				// The value may be right and something it names be the problem, such as a
				// gateway node too old for a service link: the server's reason says what to change.
				advice = "Do as the server explains, then apply again."
			}
			diags.AddAttributeError(attr, summary, fmt.Sprintf("%s: the server answered %d: %s: %s\n\n%s",
				object, apiErr.StatusCode, name, p.Reason, advice))
		}
		if len(rest.InvalidParameters) == 0 && len(apiErr.InvalidParameters) > 0 {
			return
		}
		apiErr = &rest
	}
	detail := fmt.Sprintf("%s: the server answered %d: %s", object, apiErr.StatusCode, apiErr.DetailText())
	switch apiErr.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		detail += "\n\nCheck that the provider token is valid and allowed to manage this object."
	case http.StatusNotFound:
		detail += "\n\n" + notFoundHint
	case http.StatusBadRequest:
		detail += "\n\nCorrect the configuration as the server explains, then apply again."
	case http.StatusConflict:
		detail += "\n\nAnother object uses or conflicts with this one; change or remove that object first."
	}
	diags.AddError(summary, detail)
}

// attribute returns the attribute a wire field belongs to and the field's name in Terraform
// terms: the attribute path followed by whatever part of the wire name lies below it.
func (f wireFields) attribute(field string) (path.Path, string, bool) {
	for prefix := field; prefix != ""; {
		if p, ok := f[prefix]; ok {
			return p, p.String() + field[len(prefix):], true
		}
		i := strings.LastIndexAny(prefix, ".[")
		if i < 0 {
			break
		}
		prefix = prefix[:i]
	}
	return path.Empty(), "", false
}

// providerClient extracts the API client handed over by the provider.
func providerClient(data any, diags *diag.Diagnostics) *client.Client {
	if data == nil {
		// The framework calls Configure before the provider is configured, too.
		return nil
	}
	c, ok := data.(*client.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *client.Client, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return c
}
