package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// sessionCookie names the developer session cookie, as Konnect portals name theirs.
const sessionCookie = "portalaccesstoken"

// portalAPIPrefix is where each portal's developer API is mounted; the document lists its paths
// from /api/v3.
const portalAPIPrefix = "/portals/{portalId}/api/v3"

// selfService holds what the developer-facing API needs beyond the store.
type selfService struct {
	mux      *http.ServeMux
	mailer   mail.Mailer
	outbox   *mail.Outbox // nil when another mailer delivers the messages
	hasher   core.PasswordHasher
	throttle core.LoginThrottle
}

// Option configures the developer-facing API.
type Option func(*selfService)

// WithMailer sends sign-up and password messages through m instead of the in-memory outbox,
// which is then unavailable.
func WithMailer(m mail.Mailer) Option {
	return func(s *selfService) {
		if m != nil {
			s.mailer, s.outbox = m, nil
		}
	}
}

// WithPasswordIterations sets the PBKDF2 cost of new password hashes; zero keeps the default.
// Only tests should lower it.
func WithPasswordIterations(n int) Option {
	return func(s *selfService) { s.hasher = core.PasswordHasher{Iterations: n} }
}

// WithLoginThrottle replaces the failed-login policy.
func WithLoginThrottle(t core.LoginThrottle) Option {
	return func(s *selfService) { s.throttle = t }
}

func newSelfService(opts []Option) *selfService {
	outbox := mail.NewOutbox()
	s := &selfService{mux: http.NewServeMux(), mailer: outbox, outbox: outbox, throttle: core.DefaultLoginThrottle}
	for _, o := range opts {
		o(s)
	}
	return s
}

// access is what a developer endpoint asks of the caller.
type access int

const (
	// anyone may call, signed in or not, whatever the portal's settings.
	anyone access = iota
	// accounts needs a portal with user authentication; callers may be anonymous.
	accounts
	// signedIn needs a portal with user authentication and an approved developer's session.
	signedIn
)

// devContext is the portal a developer request addresses and, when signed in, the developer.
type devContext struct {
	portal    core.Portal
	developer *core.Developer
}

// devHandler serves one developer endpoint; a returned error becomes a problem response.
type devHandler func(w http.ResponseWriter, r *http.Request, c devContext) error

// titledError is a problem whose title is not the generic one of its status, as in Konnect's
// login answers.
type titledError struct {
	status        int
	title, detail string
	retryAfter    time.Duration
}

func (e *titledError) Error() string { return e.title + ": " + e.detail }

func unauthorized(detail string) error {
	return &titledError{status: http.StatusUnauthorized, title: "Unauthorized", detail: detail}
}

// servePortalAPI serves the request when it addresses a portal's developer API, either as
// /portals/{portalId}/api/v3/... or as /api/v3/... on the portal's own domain, and reports
// whether it did. These requests never use the admin token.
func (a *API) servePortalAPI(w http.ResponseWriter, r *http.Request, region string) bool {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(segs) >= 4 && segs[0] == "portals" && segs[2] == "api" && segs[3] == "v3":
	case len(segs) >= 2 && segs[0] == "api" && segs[1] == "v3":
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		var p core.Portal
		err = a.store.View(r.Context(), func(tx *store.Tx) error {
			var err error
			p, err = tx.GetPortalByDomain(r.Context(), strings.ToLower(host))
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return false
		}
		if err != nil {
			a.writeError(w, r, err)
			return true
		}
		region = p.Region
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = "/portals/" + p.ID + r.URL.Path
		u.RawPath = ""
		r2.URL = &u
		r = r2
	default:
		return false
	}
	a.log.DebugContext(r.Context(), "portal API request", "method", r.Method, "path", r.URL.Path, "region", region)
	a.ss.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), regionKey{}, region)))
	return true
}

// devRoute registers the methods of one developer API path (relative to /api/v3), answering
// every other method with 405.
func (a *API) devRoute(path string, need access, methods map[string]devHandler) {
	full := portalAPIPrefix + path
	allowed := make([]string, 0, len(methods))
	for m, h := range methods {
		allowed = append(allowed, m)
		a.ss.mux.HandleFunc(m+" "+full, func(w http.ResponseWriter, r *http.Request) {
			c, err := a.devContext(r, need)
			if err != nil {
				a.writeDevError(w, r, err)
				return
			}
			a.idempotent(w, r, developerCredential(need, c), a.writeDevError, func(w http.ResponseWriter, r *http.Request) {
				if err := h(w, r, c); err != nil {
					a.writeDevError(w, r, err)
				}
			})
		})
	}
	slices.Sort(allowed)
	a.ss.mux.HandleFunc(full, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeProblem(w, http.StatusMethodNotAllowed,
			"Method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allowed, ", ")+".", nil)
	})
}

// devContext loads the portal and, where the endpoint needs one, the developer's session.
func (a *API) devContext(r *http.Request, need access) (devContext, error) {
	ctx, region, portalID := r.Context(), regionOf(r), r.PathValue("portalId")
	var c devContext
	err := a.store.View(ctx, func(tx *store.Tx) error {
		p, err := tx.GetPortal(ctx, region, portalID)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("Portal", portalID)
		}
		if err != nil {
			return err
		}
		c.portal = p
		if need >= accounts && !p.AuthenticationEnabled {
			return errorf(http.StatusNotFound,
				"Portal %s does not have user authentication enabled, so it offers no developer accounts, applications or keys.", p.ID)
		}
		token := sessionToken(r)
		if token == "" {
			if need == signedIn {
				return signInRequired(r)
			}
			return nil
		}
		d, err := tx.SessionDeveloper(ctx, region, portalID, core.HashToken(token), a.now())
		if errors.Is(err, store.ErrNotFound) {
			if need == signedIn {
				return unauthorized("The session has expired or ended: log in again.")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if ok, refusal := core.DeveloperCanLogIn(d.Status); !ok {
			if need == signedIn {
				return &titledError{status: http.StatusUnauthorized, title: refusal.Title, detail: refusal.Detail}
			}
			return nil
		}
		c.developer = &d
		return nil
	})
	return c, err
}

func signInRequired(r *http.Request) error {
	if r.Header.Get("Authorization") != "" {
		return unauthorized("The developer API does not accept Authorization headers or admin tokens: log in with " +
			"POST /api/v3/developer/authenticate and send the session cookie it sets.")
	}
	return unauthorized("Log in first: this endpoint needs the session cookie set by POST /api/v3/developer/authenticate.")
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// writeDevError renders err like writeError, keeping Konnect's specific titles.
func (a *API) writeDevError(w http.ResponseWriter, r *http.Request, err error) {
	var te *titledError
	if !errors.As(err, &te) {
		a.writeError(w, r, err)
		return
	}
	if te.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(te.retryAfter.Round(time.Second)/time.Second)))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(te.status)
	_ = json.NewEncoder(w).Encode(problem{Status: te.status, Title: te.title, Instance: traceID(), Detail: te.detail})
}

// cookiePath scopes the session cookie to the developer API of the portal as the client
// addressed it, so that sessions of several portals on one host do not collide.
func cookiePath(r *http.Request) string {
	p := r.RequestURI
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "/api/v3"); i >= 0 {
		return p[:i+len("/api/v3")]
	}
	return "/"
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: cookiePath(r), Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: cookiePath(r), MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
}

// randomToken returns 32 random bytes, URL-safe encoded: session tokens.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
