package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// addAPIError reports a failed API call: summary says what failed, detail
// names the object and carries the server's explanation.
func addAPIError(diags *diag.Diagnostics, summary, object string, err error) {
	addAPIErrorHint(diags, summary, object, err, "Check the ID and that the provider's region is the object's region.")
}

// addAPIErrorHint is addAPIError with the advice given after a 404, for callers
// that know the likelier cause of a missing object than a wrong ID or region.
func addAPIErrorHint(diags *diag.Diagnostics, summary, object string, err error, notFoundHint string) {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		detail := fmt.Sprintf("%s: %s", object, err)
		if client.IsConnectionRefused(err) {
			detail += "\n\nNo server answered. Check server_url (or DEVPORTAL_SERVER_URL) and that the server is running."
		}
		diags.AddError(summary, detail)
		return
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
