package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// tokenPrefixes are the prefixes of Konnect access tokens: personal and system account.
var tokenPrefixes = []string{"kpat_", "spat_"}

// tokenShapeHint says what an access token looks like.
const tokenShapeHint = "An access token starts with kpat_ (personal access token) or spat_ (system account " +
	"token) followed by letters, digits and underscores, for example spat_0123456789abcdefghij; set it without " +
	"quotes, spaces, line breaks or a \"Bearer \" prefix."

// checkTokenShape catches values that cannot be an access token, such as a pasted line break,
// a "Bearer " prefix or another secret, before they reach the server. The server has the last
// word on everything else.
func checkTokenShape(token string) error {
	if strings.IndexFunc(token, unicode.IsSpace) >= 0 {
		return errors.New("contains spaces or line breaks")
	}
	for _, p := range tokenPrefixes {
		if rest, ok := strings.CutPrefix(token, p); ok {
			if rest == "" {
				return fmt.Errorf("has nothing after its prefix %s", p)
			}
			for _, r := range rest {
				if r != '_' && (r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r)) {
					return fmt.Errorf("has the character %q after its prefix %s", r, p)
				}
			}
			return nil
		}
	}
	return errors.New("does not start with kpat_ or spat_")
}

// checkToken asks the server who the token belongs to (GET /v3/users/me), once per
// configuration, so that a token the server rejects gives one error instead of one per
// resource. Only a rejection fails: a server without the endpoint, a network failure or any
// other answer is left for the requests of the resources to report.
func checkToken(ctx context.Context, c *client.Client, diags *diag.Diagnostics) {
	user, err := c.GetCurrentUser(ctx)
	switch {
	case err == nil:
		tflog.Debug(ctx, "devportal API token accepted", map[string]any{"user_id": user.ID})
	case client.IsUnauthorized(err):
		var apiErr *client.APIError
		detail := err.Error()
		if errors.As(err, &apiErr) {
			detail = apiErr.DetailText()
		}
		diags.AddError("Invalid API token",
			fmt.Sprintf("The server at %s rejected the API token: %s\n\nSet token in the provider block or the %s "+
				"environment variable to a valid access token of that server; a revoked or expired token must be "+
				"replaced by a new one.", c.BaseURL(), detail, EnvToken))
	default:
		tflog.Debug(ctx, "devportal API token not checked", map[string]any{"error": err.Error()})
	}
}
