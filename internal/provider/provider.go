// Package provider implements the devportal Terraform provider.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ provider.Provider                       = (*devportalProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*devportalProvider)(nil)
)

// Environment variables read when the matching provider argument is not set.
const (
	EnvServerURL      = "DEVPORTAL_SERVER_URL"
	EnvRegion         = "DEVPORTAL_REGION"
	EnvToken          = "DEVPORTAL_TOKEN"
	EnvMaxRetries     = "DEVPORTAL_MAX_RETRIES"
	EnvRequestTimeout = "DEVPORTAL_REQUEST_TIMEOUT"
)

const (
	defaultMaxRetries     = 4
	defaultRequestTimeout = "30s"
)

// devportalProvider is the devportal provider.
type devportalProvider struct {
	version string
}

// providerModel is the provider configuration.
type providerModel struct {
	ServerURL      types.String `tfsdk:"server_url"`
	Region         types.String `tfsdk:"region"`
	Token          types.String `tfsdk:"token"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// New returns a constructor of the provider for the given release version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &devportalProvider{version: version}
	}
}

func (p *devportalProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "devportal"
	resp.Version = p.version
}

func (p *devportalProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages self-service developer portals through an API compatible with Kong Konnect " +
			"(portals, portal security, application auth strategies, APIs, gateway services and the links and " +
			"publications that put application auth on them, and the developers, applications, registrations " +
			"and API keys of self-service), such as the bundled devportal server.",
		Attributes: map[string]schema.Attribute{
			"server_url": schema.StringAttribute{
				Description: "Base URL of the API, for example `https://{region}.api.konghq.com` or " +
					"`http://127.0.0.1:8080/{region}`. The placeholder `{region}` is replaced by `region`; a URL " +
					"without it is used as is. Must be http or https. Can also be set with the `" + EnvServerURL +
					"` environment variable; the argument wins. Required in one of the two places.",
				Optional:   true,
				Validators: []validator.String{serverURLValidator{}},
			},
			"region": schema.StringAttribute{
				Description: "Region whose objects the provider manages: one of `" + strings.Join(client.Regions, "`, `") +
					"`. Objects of other regions are invisible. New objects are created in it unless their resource sets " +
					"`region`, and data sources read it. Each resource keeps its object's region in state and manages the " +
					"object there even after this setting changes; a plan that would move an object to another region " +
					"fails. Defaults to `us`. Can also be set with the `" + EnvRegion + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.Regions...)},
			},
			"token": schema.StringAttribute{
				Description: "Personal or system access token (`kpat_...` or `spat_...`) sent as a bearer token. " +
					"Can also be set with the `" + EnvToken + "` environment variable. Required in one of the two places. " +
					"A value of another shape, or with spaces or line breaks in it, is refused before any request; " +
					"a token the server rejects fails the provider's configuration once, before any resource is read.",
				Optional:  true,
				Sensitive: true,
			},
			"max_retries": schema.Int64Attribute{
				Description: "How many times a request is retried after a 429, 502, 503 or 504 answer, a dropped " +
					"connection or a connection that could not be opened. Changes carry an `Idempotency-Key` that " +
					"is the same on every try, so that a retry never applies a change twice. " +
					"`Retry-After` is honoured up to 30 seconds. " +
					"A whole number from 0 to 20; defaults to 4, and 0 disables retries. Can also be set with `" + EnvMaxRetries + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				Description: "Time limit of each HTTP attempt, as a Go duration such as `30s` or `2m`. Defaults to `" +
					defaultRequestTimeout + "`. Can also be set with `" + EnvRequestTimeout + "`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
		},
	}
}

func (p *devportalProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	unknown := []struct {
		name  string
		value interface{ IsUnknown() bool }
	}{
		{"server_url", cfg.ServerURL}, {"region", cfg.Region}, {"token", cfg.Token},
		{"max_retries", cfg.MaxRetries}, {"request_timeout", cfg.RequestTimeout},
	}
	for _, u := range unknown {
		if u.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(u.name), "Unknown provider setting",
				fmt.Sprintf("The provider cannot connect while %s depends on a value known only after apply. "+
					"Set it to a static value or an environment variable.", u.name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	settings, diags := resolveSettings(cfg, os.LookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := client.New(client.Config{
		ServerURL:      settings.serverURL,
		Region:         settings.region,
		Token:          settings.token,
		MaxRetries:     settings.maxRetries,
		RequestTimeout: settings.requestTimeout,
		UserAgent:      "terraform-provider-devportal/" + p.version,
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	checkToken(ctx, c, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = c
	resp.DataSourceData = c
	resp.EphemeralResourceData = c
}

// Resources returns the resources; every one manages a regional object, so each keeps its
// region in state (see withRegion).
func (p *devportalProvider) Resources(context.Context) []func() resource.Resource {
	resources := []func() resource.Resource{
		NewPortalResource,
		NewPortalSecurityResource,
		NewApplicationAuthStrategyResource,
		NewAPIResource,
		NewControlPlaneResource,
		NewGatewayServiceResource,
		NewGatewayRouteResource,
		NewGatewayNodeTokenResource,
		NewAPIServiceLinkResource,
		NewAPIPublicationResource,
		NewDeveloperResource,
		NewApplicationResource,
		NewApplicationRegistrationResource,
		NewApplicationAPIKeyResource,
		NewPortalPageResource,
		NewPortalSnippetResource,
		NewPortalCustomizationResource,
		NewAPIVersionResource,
		NewAPIDocumentResource,
	}
	for i, newResource := range resources {
		resources[i] = withRegion(newResource)
	}
	return resources
}

func (p *devportalProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewPortalDataSource,
		NewApplicationAuthStrategyDataSource,
		NewAPIDataSource,
		NewGatewayServiceDataSource,
		NewApplicationAuthEnforcementDataSource,
		NewDevelopersDataSource,
		NewApplicationRegistrationsDataSource,
		NewApplicationCredentialsDataSource,
		NewControlPlaneNodesDataSource,
	}
}

func (p *devportalProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewApplicationAPIKeyEphemeralResource,
	}
}

// settings is the provider configuration after environment variables and defaults.
type settings struct {
	serverURL      string
	region         string
	token          string
	maxRetries     int
	requestTimeout time.Duration
}

// resolveSettings merges configuration, environment (config wins) and
// defaults, and reports every missing or malformed setting on its attribute.
func resolveSettings(cfg providerModel, lookupEnv func(string) (string, bool)) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	pick := func(v types.String, env string) (string, string) {
		if !v.IsNull() {
			return v.ValueString(), "the configuration"
		}
		if s, ok := lookupEnv(env); ok {
			return s, "the " + env + " environment variable"
		}
		return "", ""
	}

	var s settings
	region, regionSource := pick(cfg.Region, EnvRegion)
	if region == "" {
		region = client.DefaultRegion
	}
	if err := client.ValidateRegion(region); err != nil {
		diags.AddAttributeError(path.Root("region"), "Invalid region",
			fmt.Sprintf("The region from %s is not valid: %s.", regionSource, err))
	}
	s.region = region

	serverURL, urlSource := pick(cfg.ServerURL, EnvServerURL)
	if serverURL == "" {
		diags.AddAttributeError(path.Root("server_url"), "Missing server URL",
			"Set server_url in the provider block or the "+EnvServerURL+" environment variable, for example "+
				"\"https://{region}.api.konghq.com\".")
	} else if _, err := client.ResolveServerURL(serverURL, region); err != nil {
		diags.AddAttributeError(path.Root("server_url"), "Invalid server URL",
			fmt.Sprintf("The server URL from %s is not valid: %s.", urlSource, err))
	}
	s.serverURL = serverURL

	token, tokenSource := pick(cfg.Token, EnvToken)
	if strings.TrimSpace(token) == "" {
		diags.AddAttributeError(path.Root("token"), "Missing API token",
			"Set token in the provider block or the "+EnvToken+" environment variable to a personal or system access token.")
	} else if err := checkTokenShape(token); err != nil {
		diags.AddAttributeError(path.Root("token"), "Invalid API token",
			fmt.Sprintf("The token from %s %s. %s", tokenSource, err, tokenShapeHint))
	}
	s.token = token

	s.maxRetries = defaultMaxRetries
	switch env, ok := lookupEnv(EnvMaxRetries); {
	case !cfg.MaxRetries.IsNull():
		s.maxRetries = int(cfg.MaxRetries.ValueInt64())
	case ok && env != "":
		n, err := strconv.Atoi(env)
		if err != nil || n < 0 || n > 20 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("The %s environment variable must be a whole number from 0 to 20, not %q.", EnvMaxRetries, env))
		}
		s.maxRetries = n
	}
	if s.maxRetries == 0 {
		// The client reads 0 as "use the default"; a negative count means no retries.
		s.maxRetries = -1
	}

	timeout, timeoutSource := pick(cfg.RequestTimeout, EnvRequestTimeout)
	if timeout == "" {
		timeout = defaultRequestTimeout
	}
	d, err := parseTimeout(timeout)
	if err != nil {
		diags.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
			fmt.Sprintf("The request timeout from %s is not valid: %s.", timeoutSource, err))
	}
	s.requestTimeout = d
	return s, diags
}

// parseTimeout parses a positive Go duration.
func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as \"30s\" or \"2m\"", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be longer than zero", s)
	}
	return d, nil
}
