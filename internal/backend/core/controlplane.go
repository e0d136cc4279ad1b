package core

import (
	"fmt"
	"strings"
	"time"
)

// Fixed parts of a control plane: the backend offers self-managed hybrid control planes only.
const (
	ControlPlaneClusterType = "CLUSTER_TYPE_CONTROL_PLANE"
	ControlPlaneAuthPinned  = "pinned_client_certs"
	ControlPlaneAuthPKI     = "pki_client_certs"
	// ControlPlaneDomainSuffix ends the endpoints the backend reports for a control plane.
	ControlPlaneDomainSuffix = "cp.localhost"
)

const (
	controlPlaneNameMax        = 100
	controlPlaneDescriptionMax = 250
)

// ProxyURL is an address where the control plane's data planes accept traffic.
type ProxyURL struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

// ControlPlane is a gateway control plane: it holds gateway services and plugins, and data-plane
// nodes register with it.
type ControlPlane struct {
	ID          string
	Region      string
	Name        string
	Description *string
	Labels      map[string]string
	AuthType    string
	ProxyURLs   []ProxyURL
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ControlPlaneInput is the body of a create or update control plane request.
type ControlPlaneInput struct {
	Name         Field[string]
	Description  Field[string]
	Labels       Field[map[string]*string]
	ClusterType  Field[string]
	AuthType     Field[string]
	CloudGateway Field[bool]
	ProxyURLs    Field[[]ProxyURL]
}

// ValidateControlPlaneInput checks a control plane request; creating requires a name.
func ValidateControlPlaneInput(in ControlPlaneInput, create bool) []Violation {
	var vs []Violation
	vs = append(vs, checkRequiredName(in.Name, create, controlPlaneNameMax)...)
	if in.Description.HasValue() {
		vs = append(vs, checkString("description", in.Description.Value, 0, controlPlaneDescriptionMax)...)
	}
	if in.Labels.HasValue() {
		vs = append(vs, ValidateLabels("labels", in.Labels.Value, !create)...)
	}
	if in.ClusterType.HasValue() {
		vs = append(vs, checkEnum("cluster_type", in.ClusterType.Value, ControlPlaneClusterType)...)
	}
	if in.AuthType.HasValue() {
		vs = append(vs, checkEnum("auth_type", in.AuthType.Value, ControlPlaneAuthPinned, ControlPlaneAuthPKI)...)
	}
	if in.CloudGateway.HasValue() && in.CloudGateway.Value {
		vs = append(vs, InvalidViolation("cloud_gateway",
			"this server offers self-managed control planes only: set cloud_gateway to false or leave it out"))
	}
	for i, u := range in.ProxyURLs.Value {
		name := fmt.Sprintf("proxy_urls[%d]", i)
		if strings.TrimSpace(u.Host) == "" {
			vs = append(vs, RequiredViolation(name+".host"))
		}
		if u.Port < 1 || u.Port > 65535 {
			vs = append(vs, InvalidViolation(name+".port", "must be a port number from 1 to 65535"))
		}
		vs = append(vs, checkEnum(name+".protocol", u.Protocol, "http", "https")...)
	}
	return vs
}

// NewControlPlane builds the control plane a valid create request describes.
func NewControlPlane(in ControlPlaneInput, id, region string, now time.Time) ControlPlane {
	cp := ControlPlane{ID: id, Region: region, Labels: CreateLabels(in.Labels.Value),
		AuthType: ControlPlaneAuthPinned, ProxyURLs: []ProxyURL{}, CreatedAt: now}
	return ApplyControlPlaneInput(cp, ControlPlaneInput{
		Name: in.Name, Description: in.Description, AuthType: in.AuthType, ProxyURLs: in.ProxyURLs,
	}, now)
}

// ApplyControlPlaneInput applies an update request; labels merge key by key.
func ApplyControlPlaneInput(cp ControlPlane, in ControlPlaneInput, now time.Time) ControlPlane {
	cp.Labels = applyLabels(cp.Labels, in.Labels)
	setValue(&cp.Name, in.Name)
	setNullable(&cp.Description, in.Description)
	setValue(&cp.AuthType, in.AuthType)
	if in.ProxyURLs.Set {
		cp.ProxyURLs = []ProxyURL{}
		if !in.ProxyURLs.Null {
			cp.ProxyURLs = append(cp.ProxyURLs, in.ProxyURLs.Value...)
		}
	}
	cp.UpdatedAt = now
	return cp
}

// ControlPlaneEndpoints returns the addresses data planes would use for configuration and
// telemetry: "https://<first 10 id characters>.<region>.cp.localhost" and its "tp" twin.
func ControlPlaneEndpoints(cp ControlPlane) (controlPlane, telemetry string) {
	short := strings.ReplaceAll(cp.ID, "-", "")
	if len(short) > 10 {
		short = short[:10]
	}
	return fmt.Sprintf("https://%s.%s.%s", short, cp.Region, ControlPlaneDomainSuffix),
		fmt.Sprintf("https://%s.%s.tp.localhost", short, cp.Region)
}
