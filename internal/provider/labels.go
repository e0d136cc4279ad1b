package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	labelKeyPattern   = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$`)
	labelValuePattern = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$`)
	// The API reserves these prefixes in lower case only: Kong's CLI labels what it manages
	// with KONGCTL-namespace and KONGCTL-protected.
	reservedLabelKey = regexp.MustCompile(`^(kong|konnect|mesh|kic|_)`)

	_ validator.String = reservedLabelKeyValidator{}
)

// labelsValidators checks label keys and values the way the API does, at plan time.
func labelsValidators() []validator.Map {
	return []validator.Map{
		mapvalidator.SizeAtMost(50),
		mapvalidator.KeysAre(
			stringvalidator.RegexMatches(labelKeyPattern, "must be 1 to 63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit"),
			reservedLabelKeyValidator{},
		),
		mapvalidator.ValueStringsAre(
			stringvalidator.RegexMatches(labelValuePattern, "must be 1 to 63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit"),
		),
	}
}

// labelsFromMap returns the labels of a Terraform map; null and unknown give nil.
func labelsFromMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	labels := map[string]string{}
	diags := m.ElementsAs(ctx, &labels, false)
	return labels, diags
}

// labelsToMap maps labels from the server. No labels keep the prior value's
// shape (null or empty) so that an absent argument shows no difference.
func labelsToMap(ctx context.Context, prior types.Map, labels map[string]string) (types.Map, diag.Diagnostics) {
	if len(labels) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior, nil
		}
		return types.MapNull(types.StringType), nil
	}
	return types.MapValueFrom(ctx, types.StringType, labels)
}

// reservedLabelKeyValidator refuses the label key prefixes the API reserves.
type reservedLabelKeyValidator struct{}

func (reservedLabelKeyValidator) Description(context.Context) string {
	return "must not start with kong, konnect, mesh, kic or _ (in lower case)"
}

func (v reservedLabelKeyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v reservedLabelKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if reservedLabelKey.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved label key",
			fmt.Sprintf("Label key %q %s; choose another key.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
