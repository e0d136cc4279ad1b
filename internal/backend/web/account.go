package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// accountRoutes registers the developer's own pages: sign-up, login, logout, passwords and
// applications.
func (s *Site) accountRoutes() {
	s.handle("GET /register", s.accounts(s.registerPage))
	s.post("POST /register", s.accounts(s.register))
	s.handle("GET /verify-email", s.accounts(s.verifyEmailPage))
	s.post("POST /verify-email", s.accounts(s.verifyEmail))
	s.handle("GET /reset-password", s.accounts(s.resetPasswordPage))
	s.post("POST /reset-password", s.accounts(s.resetPassword))
	s.handle("GET /forgot-password", s.accounts(s.forgotPasswordPage))
	s.post("POST /forgot-password", s.accounts(s.forgotPassword))
	s.handle("GET /login", s.accounts(s.loginPage))
	s.post("POST /login", s.accounts(s.login))
	s.post("POST /logout", s.accounts(s.logout))
	s.appRoutes()
}

// noAccounts is the sentence of the 404 page of an account path on a portal without user
// authentication.
const noAccounts = "This portal has no developer accounts: its pages and APIs are open to everyone, without signing up or logging in."

// accounts wraps a handler of an account page: a portal without user authentication has none.
func (s *Site) accounts(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if !v.Accounts() {
			return &pageError{status: http.StatusNotFound, message: noAccounts}
		}
		return h(w, r, v)
	}
}

// accountView is the data of the sign-up, login and password pages.
type accountView struct {
	Form *formState
	// Token is the one-time token of a link from an e-mail, carried by the set-password form.
	Token string
	// Action is where the set-password form posts: the page of the link it came from.
	Action string
	// Next is where the login form leads after logging in.
	Next string
}

// showForm renders an account page with its form; a refused form gets the refusal's status.
func (s *Site) showForm(w http.ResponseWriter, r *http.Request, v *viewer, name, title string, data accountView, ref *refusal) error {
	// The form carries this visitor's CSRF token, and after a refusal what they typed: no cache
	// may keep it for anyone else.
	noStore(w)
	status := http.StatusOK
	if ref != nil {
		status = ref.status
		ref.apply(data.Form)
		if ref.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(ref.retryAfter))
		}
	}
	return s.render(w, r, page{Name: name, Title: title, Status: status, Notice: s.takeNotice(w, r, v), Data: data})
}

// refused turns err into the refusal a form shows, or passes it on (internal failures) for the
// error page.
func refused(form string, err error) (*refusal, error) {
	ref, ok := refuse(form, err)
	if !ok {
		return nil, err
	}
	return &ref, nil
}

func (s *Site) registerPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.SignedIn() {
		return seeOther(w, r, "/apps")
	}
	return s.showForm(w, r, v, "account/register.html", "Sign up", accountView{Form: newForm("register")}, nil)
}

// register signs a developer up. The answer is the same whether or not the address has an account.
func (s *Site) register(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := postedForm("register", r, "email", "full_name")
	err := s.svc.SignUp(r.Context(), v.Portal, s.clientAddress(r), strings.TrimSpace(f.Value("email")), f.Value("full_name"))
	if err != nil {
		ref, err := refused(f.ID, err)
		if err != nil {
			return err
		}
		return s.showForm(w, r, v, "account/register.html", "Sign up", accountView{Form: f}, ref)
	}
	s.setNotice(w, v, "signed-up", strings.TrimSpace(f.Value("email")))
	return seeOther(w, r, "/register")
}

// verifyEmailPage is the page of the verification link: the set-password form, which posts the
// token back. The token is used only by that post, so that a mail scanner that opens the link
// does not use it up.
func (s *Site) verifyEmailPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.tokenPage(w, r, v, "/verify-email", "Confirm your address")
}

func (s *Site) resetPasswordPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.tokenPage(w, r, v, "/reset-password", "Choose a new password")
}

// tokenPage shows the set-password form of a link that carries a one-time token.
func (s *Site) tokenPage(w http.ResponseWriter, r *http.Request, v *viewer, action, title string) error {
	// The address holds the token: no other site may learn it from a Referer, no cache keep it.
	noReferrer(w)
	noStore(w)
	token := r.URL.Query().Get("token")
	data := accountView{Form: newForm("set-password"), Token: token, Action: action}
	if vs := service.CheckToken(core.Field[string]{Value: token, Set: token != ""}); len(vs) > 0 {
		ref, _ := refuse("set-password", core.Invalid(vs...))
		ref.status = http.StatusBadRequest
		return s.showForm(w, r, v, "account/set-password.html", title, data, &ref)
	}
	return s.showForm(w, r, v, "account/set-password.html", title, data, nil)
}

// verifyEmail confirms the address of the link's token and sets the first password. When the
// password is refused after the address is confirmed, the form carries on with the password
// token the confirmation gave, as a reset link would.
func (s *Site) verifyEmail(w http.ResponseWriter, r *http.Request, v *viewer) error {
	noReferrer(w)
	noStore(w)
	token, password := r.PostFormValue("token"), r.PostFormValue("password")
	data := accountView{Form: newForm("set-password"), Token: token, Action: "/verify-email"}
	if password == "" {
		ref, _ := refuse(data.Form.ID, core.Invalid(core.RequiredViolation("password")))
		return s.showForm(w, r, v, "account/set-password.html", "Confirm your address", data, &ref)
	}
	verified, err := s.svc.VerifyEmail(r.Context(), v.Portal, token)
	if err != nil {
		ref, err := refused(data.Form.ID, err)
		if err != nil {
			return err
		}
		return s.showForm(w, r, v, "account/set-password.html", "Confirm your address", data, ref)
	}
	data.Token, data.Action = verified.ResetToken, "/reset-password"
	return s.setPassword(w, r, v, data, password)
}

// resetPassword sets the password of a reset link's token.
func (s *Site) resetPassword(w http.ResponseWriter, r *http.Request, v *viewer) error {
	noReferrer(w)
	noStore(w)
	data := accountView{Form: newForm("set-password"), Token: r.PostFormValue("token"), Action: "/reset-password"}
	return s.setPassword(w, r, v, data, r.PostFormValue("password"))
}

func (s *Site) setPassword(w http.ResponseWriter, r *http.Request, v *viewer, data accountView, password string) error {
	if err := s.svc.ResetPassword(r.Context(), v.Portal, data.Token, password); err != nil {
		ref, err := refused(data.Form.ID, err)
		if err != nil {
			return err
		}
		return s.showForm(w, r, v, "account/set-password.html", "Choose a password", data, ref)
	}
	s.setNotice(w, v, "password-set", "")
	return seeOther(w, r, "/login")
}

func (s *Site) forgotPasswordPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.showForm(w, r, v, "account/forgot-password.html", "Forgot your password?", accountView{Form: newForm("forgot-password")}, nil)
}

// forgotPassword mails a reset link when the address has an account; the answer does not say.
func (s *Site) forgotPassword(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := postedForm("forgot-password", r, "email")
	email := strings.TrimSpace(f.Value("email"))
	if err := s.svc.ForgotPassword(r.Context(), v.Portal, s.clientAddress(r), email); err != nil {
		ref, err := refused(f.ID, err)
		if err != nil {
			return err
		}
		return s.showForm(w, r, v, "account/forgot-password.html", "Forgot your password?", accountView{Form: f}, ref)
	}
	s.setNotice(w, v, "reset-sent", email)
	return seeOther(w, r, "/forgot-password")
}

func (s *Site) loginPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	next := localPath(r.URL.Query().Get("next"))
	if v.SignedIn() {
		return seeOther(w, r, orDefault(next, "/apps"))
	}
	return s.showForm(w, r, v, "account/login.html", "Log in", accountView{Form: newForm("login"), Next: next}, nil)
}

// login starts a session and sets its cookie, which the developer JSON API of the same origin
// shares.
func (s *Site) login(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := postedForm("login", r, "email")
	next := localPath(r.PostFormValue("next"))
	session, err := s.svc.Login(r.Context(), v.Portal, s.clientAddress(r), strings.TrimSpace(f.Value("email")), r.PostFormValue("password"))
	if err != nil {
		ref, err := refused(f.ID, err)
		if err != nil {
			return err
		}
		return s.showForm(w, r, v, "account/login.html", "Log in", accountView{Form: f, Next: next}, ref)
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: session.Token, Path: "/", Expires: session.Expires,
		MaxAge: int(time.Until(session.Expires).Seconds()), HttpOnly: true, Secure: v.Secure, SameSite: http.SameSiteLaxMode,
	})
	return seeOther(w, r, orDefault(next, "/apps"))
}

// logout ends the session, clears its cookie and leads to the login page.
func (s *Site) logout(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := s.svc.Logout(r.Context(), v.Portal, v.sessionToken); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: v.Secure,
		SameSite: http.SameSiteLaxMode})
	s.setNotice(w, v, "logged-out", "")
	return seeOther(w, r, "/login")
}

// signInFirst leads a visitor who is not a signed-in, approved developer to the login page, which
// returns them to the page they asked for.
func (s *Site) signInFirst(w http.ResponseWriter, r *http.Request, v *viewer) error {
	s.setNotice(w, v, "login-needed", "")
	next := r.URL.Path
	return seeOther(w, r, "/login?next="+url.QueryEscape(next))
}

// seeOther ends a form's post, or a page a visitor cannot have, with a redirect to path.
func seeOther(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// localPath returns p when it is a path of this site ("/apps/…"), and "" otherwise, so that the
// login form's next field cannot send anyone elsewhere.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") ||
		strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/logout") {
		return ""
	}
	return p
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// clientAddress is the visitor's network address, which the operations' rate limits and lockouts
// count: the peer, or, behind trusted proxies, the last address of X-Forwarded-For that is not a
// trusted proxy. IPv6 clients count by their /64, which one host usually holds whole.
func (s *Site) clientAddress(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if s.trusted(addr) {
		var hops []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			for _, hop := range strings.Split(h, ",") {
				hops = append(hops, strings.TrimSpace(hop))
			}
		}
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(hops[i])
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !s.trusted(addr) {
				break
			}
		}
	}
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

func (s *Site) trusted(addr netip.Addr) bool {
	return slices.ContainsFunc(s.trustedProxies, func(p netip.Prefix) bool { return p.Contains(addr) })
}
