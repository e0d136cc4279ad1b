package httpapi

import (
	"errors"
	"net/http"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// selfServiceRoutes registers the developer-facing portal API and the admin endpoints of
// developers, applications, registrations, keys, the outbox and the gateway data.
func (a *API) selfServiceRoutes() {
	a.devRoute("/developer", accounts, map[string]devHandler{http.MethodPost: a.signUp})
	a.devRoute("/developer/verify-email", accounts, map[string]devHandler{http.MethodPost: a.verifyEmail})
	a.devRoute("/developer/forgot-password", accounts, map[string]devHandler{http.MethodPost: a.forgotPassword})
	a.devRoute("/developer/reset-password", accounts, map[string]devHandler{http.MethodPost: a.resetPassword})
	a.devRoute("/developer/authenticate", accounts, map[string]devHandler{http.MethodPost: a.authenticate})
	a.devRoute("/developer/logout", accounts, map[string]devHandler{http.MethodPost: a.logout})
	a.devRoute("/developer/me", signedIn, map[string]devHandler{http.MethodGet: a.me})
	a.devRoute("/apis", anyone, map[string]devHandler{http.MethodGet: a.devListAPIs})
	a.devRoute("/apis/{apiIdOrSlug}", anyone, map[string]devHandler{http.MethodGet: a.devGetAPI})
	a.devRoute("/applications", signedIn, map[string]devHandler{
		http.MethodGet:  a.devListApplications,
		http.MethodPost: a.devCreateApplication,
	})
	a.devRoute("/applications/{applicationId}", signedIn, map[string]devHandler{
		http.MethodGet:    a.devGetApplication,
		http.MethodPatch:  a.devUpdateApplication,
		http.MethodDelete: a.devDeleteApplication,
	})
	a.devRoute("/applications/{applicationId}/credentials", signedIn, map[string]devHandler{
		http.MethodGet:  a.devListCredentials,
		http.MethodPost: a.devCreateCredential,
	})
	a.devRoute("/applications/{applicationId}/credentials/{credentialId}", signedIn, map[string]devHandler{
		http.MethodPut:    a.devRenameCredential,
		http.MethodDelete: a.devDeleteCredential,
	})
	a.devRoute("/applications/{applicationId}/registrations", signedIn, map[string]devHandler{
		http.MethodGet:  a.devListRegistrations,
		http.MethodPost: a.devCreateRegistration,
	})
	a.devRoute("/applications/{applicationId}/registrations/{registrationId}", signedIn, map[string]devHandler{
		http.MethodGet:    a.devGetRegistration,
		http.MethodDelete: a.devDeleteRegistration,
	})
	a.ss.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "No endpoint "+r.URL.Path+" exists in the developer portal API.", nil)
	})

	a.route("/v3/portals/{portalId}/developers", map[string]handlerFunc{
		http.MethodGet:  a.listDevelopers,
		http.MethodPost: a.createDeveloper,
	})
	a.route("/v3/portals/{portalId}/developers/{developerId}", map[string]handlerFunc{
		http.MethodGet:    a.getDeveloper,
		http.MethodPatch:  a.updateDeveloper,
		http.MethodDelete: a.deleteDeveloper,
	})
	a.route("/v3/portals/{portalId}/applications", map[string]handlerFunc{
		http.MethodGet:  a.adminListApplications,
		http.MethodPost: a.adminCreateApplication,
	})
	a.route("/v3/portals/{portalId}/applications/{applicationId}", map[string]handlerFunc{
		http.MethodGet:    a.adminGetApplication,
		http.MethodPatch:  a.adminUpdateApplication,
		http.MethodDelete: a.adminDeleteApplication,
	})
	a.route("/v3/portals/{portalId}/applications/{applicationId}/registrations", map[string]handlerFunc{
		http.MethodGet:  a.adminListApplicationRegistrations,
		http.MethodPost: a.adminCreateRegistration,
	})
	a.route("/v3/portals/{portalId}/applications/{applicationId}/registrations/{registrationId}", map[string]handlerFunc{
		http.MethodGet:    a.adminGetRegistration,
		http.MethodPatch:  a.adminUpdateRegistration,
		http.MethodDelete: a.adminDeleteRegistration,
	})
	a.route("/v3/portals/{portalId}/application-registrations", map[string]handlerFunc{
		http.MethodGet: a.adminListPortalRegistrations,
	})
	a.route("/v3/portals/{portalId}/applications/{applicationId}/credentials", map[string]handlerFunc{
		http.MethodGet:  a.adminListCredentials,
		http.MethodPost: a.adminIssueCredential,
	})
	a.route("/v3/portals/{portalId}/applications/{applicationId}/credentials/{credentialId}", map[string]handlerFunc{
		http.MethodGet:    a.adminGetCredential,
		http.MethodPut:    a.adminRenameCredential,
		http.MethodDelete: a.adminDeleteCredential,
	})
	a.route("/v3/portals/{portalId}/outbox", map[string]handlerFunc{
		http.MethodGet: a.listOutbox,
	})
	a.route("/v2/control-planes/{controlPlaneId}/application-auth-data", map[string]handlerFunc{
		http.MethodGet: a.getGatewayData,
	})
}

// serviceStatus is the HTTP status of each kind of the service's refusals.
var serviceStatus = map[service.Kind]int{
	service.NotFound:        http.StatusNotFound,
	service.Conflict:        http.StatusConflict,
	service.Forbidden:       http.StatusForbidden,
	service.Unauthenticated: http.StatusUnauthorized,
	service.Invalid:         http.StatusBadRequest,
	service.TooManyRequests: http.StatusTooManyRequests,
	service.Gone:            http.StatusGone,
}

// fromService turns a refusal of the service into the error the problem writers render: with the
// refusal's own title where it has one (as Konnect's login answers do), else with the generic
// title of its status. Other errors pass unchanged; an Internal refusal becomes a 500.
func fromService(err error) error {
	var se *service.Error
	if !errors.As(err, &se) {
		return err
	}
	status, ok := serviceStatus[se.Kind]
	if !ok {
		return err
	}
	if se.Title != "" {
		return &titledError{status: status, title: se.Title, detail: se.Detail, retryAfter: se.RetryAfter}
	}
	return &httpError{status: status, detail: se.Detail}
}
