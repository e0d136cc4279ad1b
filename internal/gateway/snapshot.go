package gateway

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/appauth"
	"github.com/devportal-labs/terraform-provider-devportal/internal/gateway/router"
)

// Where the configuration a node enforces came from.
const (
	sourceBackend = "backend"
	sourceCache   = "cache"
	sourceNone    = "none"
)

// snapshot is one compiled configuration; it is never modified once built, so that requests can
// share it without locks while the next one is compiled.
type snapshot struct {
	hash     string
	source   string
	router   *router.Router
	table    *appauth.Table
	services map[string]*upstreamService
	// global are the enabled plugins without a service that the node cannot run: they apply to
	// every service, so every service refuses traffic.
	global []unsupportedPlugin
	// unsupported lists every enabled plugin the node cannot run, for /status.
	unsupported []unsupportedPlugin
	apps, keys  int
}

// unsupportedPlugin is an enabled plugin the node cannot run.
type unsupportedPlugin struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ServiceID string `json:"service_id,omitempty"`
}

// upstreamService is a service as the proxy uses it.
type upstreamService struct {
	id, label string
	enabled   bool
	scheme    string // http or https
	hostPort  string
	path      string
	timeouts  UpstreamTimeouts
	// policy is the compiled managed application auth plugin; nil when the service has none enabled.
	policy *appauth.Policy
	// unsupported are the service's own enabled plugins the node cannot run.
	unsupported []unsupportedPlugin
	// unservable explains why the node cannot proxy the service at all; "" when it can.
	unservable string
	// refusal is the answer to every request for the service, "" when the node proxies them:
	// decided once per configuration (see settleRefusals), not per request.
	refusal string
}

// compile turns a node configuration into a snapshot, or says which object it cannot use.
func compile(cfg *client.NodeConfig, source string, issuers *appauth.Issuers, defaults UpstreamTimeouts) (*snapshot, error) {
	rt, err := router.New(cfg.Routes)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	table, err := appauth.NewTable(cfg.Applications)
	if err != nil {
		return nil, fmt.Errorf("applications: %w", err)
	}
	s := &snapshot{hash: cfg.ConfigHash, source: source, router: rt, table: table, services: make(map[string]*upstreamService, len(cfg.Services))}
	s.apps, s.keys = table.Len()
	for _, svc := range cfg.Services {
		s.services[svc.ID] = newUpstreamService(svc, defaults)
	}
	for _, p := range cfg.Plugins {
		if err := s.addPlugin(p, issuers); err != nil {
			return nil, err
		}
	}
	s.settleRefusals()
	return s, nil
}

// settleRefusals decides, for each service, whether the node refuses its traffic. Plugins it
// cannot run come first: proxying without them would let through what they would stop.
func (s *snapshot) settleRefusals() {
	for _, svc := range s.services {
		switch blocked := append(slices.Clip(s.global), svc.unsupported...); {
		case len(blocked) > 0:
			names := make([]string, len(blocked))
			for i, b := range blocked {
				names[i] = b.Name + " (" + b.ID + ")"
			}
			svc.refusal = fmt.Sprintf("service %s carries plugins this node cannot run: %s; it refuses traffic rather than proxy without them",
				svc.label, strings.Join(names, ", "))
		case !svc.enabled:
			svc.refusal = "service " + svc.label + " is disabled"
		default:
			svc.refusal = svc.unservable
		}
	}
}

// addPlugin places one plugin of the configuration: the managed application auth plugin of a
// service becomes its policy; any other enabled plugin blocks its service, or every service when
// it is global, because proxying without it would fail open.
func (s *snapshot) addPlugin(p client.Plugin, issuers *appauth.Issuers) error {
	if !p.Enabled {
		return nil
	}
	var svc *upstreamService
	if p.Service != nil {
		// A plugin of a service the configuration does not hold guards nothing a route can reach.
		if svc = s.services[p.Service.ID]; svc == nil {
			return nil
		}
	}
	if svc != nil && p.IsManagedApplicationAuth() {
		if svc.policy != nil {
			return fmt.Errorf("service %s carries more than one %s plugin", svc.id, p.Name)
		}
		policy, err := appauth.NewPolicy(p, issuers)
		if err != nil {
			return fmt.Errorf("plugin %s (%s) of service %s: %w", p.ID, p.Name, svc.id, err)
		}
		svc.policy = policy
		return nil
	}
	u := unsupportedPlugin{ID: p.ID, Name: p.Name}
	if svc == nil {
		s.global = append(s.global, u)
	} else {
		u.ServiceID = svc.id
		svc.unsupported = append(svc.unsupported, u)
	}
	s.unsupported = append(s.unsupported, u)
	return nil
}

func newUpstreamService(svc client.GatewayService, defaults UpstreamTimeouts) *upstreamService {
	u := &upstreamService{
		id:       svc.ID,
		label:    svc.ID,
		enabled:  svc.Enabled,
		hostPort: net.JoinHostPort(svc.Host, strconv.FormatInt(svc.Port, 10)),
		timeouts: UpstreamTimeouts{
			Connect: millisOr(svc.ConnectTimeout, defaults.Connect),
			Write:   millisOr(svc.WriteTimeout, defaults.Write),
			Read:    millisOr(svc.ReadTimeout, defaults.Read),
		},
	}
	if svc.Name != nil && *svc.Name != "" {
		u.label = *svc.Name
	}
	if svc.Path != nil {
		u.path = *svc.Path
	}
	switch svc.Protocol {
	case "http", "ws", "":
		u.scheme = "http"
	case "https", "wss":
		u.scheme = "https"
	default:
		u.unservable = fmt.Sprintf("service %s uses protocol %s, which this node does not proxy", u.label, svc.Protocol)
	}
	if svc.Port <= 0 || svc.Port > 65535 {
		u.unservable = fmt.Sprintf("service %s has port %d, which is not a TCP port", u.label, svc.Port)
	}
	return u
}

func millisOr(ms int64, def time.Duration) time.Duration {
	if ms <= 0 {
		return def
	}
	return time.Duration(ms) * time.Millisecond
}
