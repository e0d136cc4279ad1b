package core

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kong entity limits and defaults, as the control-plane configuration document gives them.
const (
	serviceDefaultProtocol = "http"
	serviceDefaultPort     = 80
	serviceDefaultRetries  = 5
	serviceDefaultTimeout  = 60000
	serviceTimeoutMax      = 2147483646
	serviceRetriesMax      = 32767
	serviceTLSDepthMax     = 64
	nodeHostnameMax        = 255
)

// ServiceProtocols are the protocols a gateway service may use to reach its upstream.
var ServiceProtocols = []string{"grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss"}

// PluginProtocols are the request protocols a plugin may run on.
var PluginProtocols = ServiceProtocols

// DefaultPluginProtocols is what a plugin runs on when the request does not say.
var DefaultPluginProtocols = []string{"grpc", "grpcs", "http", "https"}

var kongNamePattern = regexp.MustCompile(`^[0-9a-zA-Z.\-_~]+$`)

// GatewayService is a Kong service entity: the upstream an API's traffic goes to.
type GatewayService struct {
	ID             string
	Region         string
	ControlPlaneID string
	Name           *string
	Protocol       string
	Host           string
	Port           int
	Path           *string
	Retries        int
	ConnectTimeout int
	WriteTimeout   int
	ReadTimeout    int
	Enabled        bool
	Tags           []string
	TLSVerify      *bool
	TLSVerifyDepth *int
	CACertificates []string
	// CreatedAt and UpdatedAt are unix seconds, as Kong reports them.
	CreatedAt int64
	UpdatedAt int64
}

// ServiceInput is the body of a create or upsert service request. Kong requests describe the whole
// entity: an absent or null field takes its default.
type ServiceInput struct {
	Name           Field[string]
	URL            Field[string]
	Protocol       Field[string]
	Host           Field[string]
	Port           Field[int]
	Path           Field[string]
	Retries        Field[int]
	ConnectTimeout Field[int]
	WriteTimeout   Field[int]
	ReadTimeout    Field[int]
	Enabled        Field[bool]
	Tags           Field[[]string]
	TLSVerify      Field[bool]
	TLSVerifyDepth Field[int]
	CACertificates Field[[]string]
}

// BuildGatewayService validates in and returns the service it describes. The Konnect document
// requires host, so the url shorthand is refused rather than half supported.
func BuildGatewayService(in ServiceInput, id, region, controlPlaneID string, createdAt, now int64) (GatewayService, []Violation) {
	s := GatewayService{
		ID: id, Region: region, ControlPlaneID: controlPlaneID,
		Protocol: serviceDefaultProtocol, Port: serviceDefaultPort, Retries: serviceDefaultRetries,
		ConnectTimeout: serviceDefaultTimeout, WriteTimeout: serviceDefaultTimeout, ReadTimeout: serviceDefaultTimeout,
		Enabled: true, CreatedAt: createdAt, UpdatedAt: now,
	}
	var vs []Violation
	if in.Name.HasValue() {
		if !kongNamePattern.MatchString(in.Name.Value) {
			vs = append(vs, Violation{Field: "name", Rule: "matches_regex", Source: "body",
				Reason: "must contain only letters, digits and '.', '-', '_' or '~'"})
		}
		setNullable(&s.Name, in.Name)
	}
	if in.URL.HasValue() {
		vs = append(vs, InvalidViolation("url",
			"this server takes the upstream as protocol, host, port and path: send those fields instead of url"))
	}
	if !in.Host.HasValue() {
		vs = append(vs, RequiredViolation("host"))
	}
	setValue(&s.Protocol, in.Protocol)
	setValue(&s.Host, in.Host)
	setValue(&s.Port, in.Port)
	setNullable(&s.Path, in.Path)
	setValue(&s.Retries, in.Retries)
	setValue(&s.ConnectTimeout, in.ConnectTimeout)
	setValue(&s.WriteTimeout, in.WriteTimeout)
	setValue(&s.ReadTimeout, in.ReadTimeout)
	setValue(&s.Enabled, in.Enabled)
	setValue(&s.Tags, in.Tags)
	setNullable(&s.TLSVerify, in.TLSVerify)
	setNullable(&s.TLSVerifyDepth, in.TLSVerifyDepth)
	setValue(&s.CACertificates, in.CACertificates)

	if in.Protocol.HasValue() {
		vs = append(vs, checkEnum("protocol", s.Protocol, ServiceProtocols...)...)
	}
	if in.Host.HasValue() && strings.TrimSpace(s.Host) == "" {
		vs = append(vs, MinLengthViolation("host", 1))
	}
	vs = append(vs, checkRange("port", s.Port, 0, 65535)...)
	vs = append(vs, checkRange("retries", s.Retries, 0, serviceRetriesMax)...)
	vs = append(vs, checkRange("connect_timeout", s.ConnectTimeout, 1, serviceTimeoutMax)...)
	vs = append(vs, checkRange("write_timeout", s.WriteTimeout, 1, serviceTimeoutMax)...)
	vs = append(vs, checkRange("read_timeout", s.ReadTimeout, 1, serviceTimeoutMax)...)
	if s.TLSVerifyDepth != nil {
		vs = append(vs, checkRange("tls_verify_depth", *s.TLSVerifyDepth, 0, serviceTLSDepthMax)...)
	}
	if s.Path != nil && !strings.HasPrefix(*s.Path, "/") {
		vs = append(vs, InvalidViolation("path", "must start with '/'"))
	}
	return s, vs
}

func checkRange(field string, v, min, max int) []Violation {
	switch {
	case v < min:
		return []Violation{{Field: field, Rule: "min", Source: "body", Minimum: &min,
			Reason: fmt.Sprintf("must be at least %d", min)}}
	case v > max:
		return []Violation{{Field: field, Rule: "max", Source: "body", Maximum: &max,
			Reason: fmt.Sprintf("must be at most %d", max)}}
	}
	return nil
}

// GatewayPlugin is a Kong plugin entity of a control plane, on a service or global.
type GatewayPlugin struct {
	ID             string
	Region         string
	ControlPlaneID string
	// ServiceID is nil for a plugin that applies to the whole control plane.
	ServiceID *string
	Name      string
	Enabled   bool
	Protocols []string
	Tags      []string
	Config    map[string]any
	// ManagedAPIID is the API whose publications the backend enforces with this plugin; nil for
	// plugins users own.
	ManagedAPIID *string
	CreatedAt    int64
	UpdatedAt    int64
}

// PluginInput is the body of a create or upsert plugin request.
type PluginInput struct {
	Name      Field[string]
	Enabled   Field[bool]
	Protocols Field[[]string]
	Tags      Field[[]string]
	Config    Field[map[string]any]
	// ServiceID is the service the body names ({"service": {"id": ...}}); it is not set when the
	// path names the service.
	ServiceID Field[string]
}

// ManagedPluginReason explains why users cannot create, change or delete a managed plugin.
const ManagedPluginReason = "the konnect-application-auth plugin and plugins tagged konnect-managed-plugin are " +
	"managed by the API's publications: publish the linked API with an application auth strategy to add it, " +
	"change the strategy or the publication to change it, and unpublish or unlink the API to remove it"

// BuildGatewayPlugin validates a user's plugin request and returns the plugin it describes. Managed
// plugins are refused, whoever asks, because the backend owns them.
func BuildGatewayPlugin(in PluginInput, id, region, controlPlaneID string, serviceID *string, createdAt, now int64) (GatewayPlugin, []Violation) {
	p := GatewayPlugin{ID: id, Region: region, ControlPlaneID: controlPlaneID, ServiceID: serviceID,
		Enabled: true, Protocols: slices.Clone(DefaultPluginProtocols), Tags: []string{}, Config: map[string]any{},
		CreatedAt: createdAt, UpdatedAt: now}
	var vs []Violation
	if !in.Name.HasValue() {
		vs = append(vs, RequiredViolation("name"))
	}
	setValue(&p.Name, in.Name)
	setValue(&p.Enabled, in.Enabled)
	setValue(&p.Protocols, in.Protocols)
	setValue(&p.Tags, in.Tags)
	setValue(&p.Config, in.Config)
	if in.Name.HasValue() && !kongNamePattern.MatchString(p.Name) {
		vs = append(vs, Violation{Field: "name", Rule: "matches_regex", Source: "body",
			Reason: "must contain only letters, digits and '.', '-', '_' or '~'"})
	}
	for i, proto := range p.Protocols {
		if !slices.Contains(PluginProtocols, proto) {
			vs = append(vs, EnumViolation(fmt.Sprintf("protocols[%d]", i), PluginProtocols...))
		}
	}
	switch {
	case p.Name == KAAPluginName:
		vs = append(vs, Violation{Field: "name", Rule: "invalid", Source: "body", Reason: ManagedPluginReason})
	case slices.Contains(p.Tags, KAAManagedTag):
		vs = append(vs, Violation{Field: "tags", Rule: "invalid", Source: "body", Reason: ManagedPluginReason})
	}
	return p, vs
}

// IsManaged reports whether the backend owns the plugin.
func (p GatewayPlugin) IsManaged() bool {
	return p.ManagedAPIID != nil || KAAIsManagedPlugin(p.Name, p.Tags)
}

// KAA returns the plugin as the reconciler sees it.
func (p GatewayPlugin) KAA() KAAPlugin {
	sid := ""
	if p.ServiceID != nil {
		sid = *p.ServiceID
	}
	return KAAPlugin{ID: p.ID, ControlPlaneID: p.ControlPlaneID, ServiceID: sid, Name: p.Name,
		Enabled: p.Enabled, Protocols: p.Protocols, Tags: p.Tags, Config: p.Config}
}

// ManagedGatewayPlugin turns a planned KAA plugin of apiID into the stored plugin.
func ManagedGatewayPlugin(k KAAPlugin, region, apiID string, createdAt, now int64) GatewayPlugin {
	sid := k.ServiceID
	api := apiID
	return GatewayPlugin{ID: k.ID, Region: region, ControlPlaneID: k.ControlPlaneID, ServiceID: &sid,
		Name: k.Name, Enabled: k.Enabled, Protocols: slices.Clone(k.Protocols), Tags: slices.Clone(k.Tags),
		Config: k.Config, ManagedAPIID: &api, CreatedAt: createdAt, UpdatedAt: now}
}

// ValidateNodeRegistration checks the body of a node registration: a hostname and a gateway version.
func ValidateNodeRegistration(hostname, version Field[string]) []Violation {
	var vs []Violation
	if !hostname.HasValue() {
		vs = append(vs, RequiredViolation("hostname"))
	} else {
		vs = append(vs, checkNameString("hostname", hostname.Value, 1, nodeHostnameMax)...)
	}
	if !version.HasValue() {
		vs = append(vs, RequiredViolation("version"))
	} else if _, err := ParseGatewayVersion(version.Value); err != nil {
		vs = append(vs, Violation{Field: "version", Rule: "invalid", Source: "body", Reason: err.Error()})
	}
	return vs
}
