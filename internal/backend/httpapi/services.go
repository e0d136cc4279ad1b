package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Kong lists page with size (default 100, at most 1000) and an opaque offset token.
const (
	kongDefaultSize = 100
	kongMaxSize     = 1000
	// kongMaxOffset bounds the offset a client can hand back; it is far beyond any stored list
	// and keeps offset+size from overflowing.
	kongMaxOffset = 1_000_000_000
	// kongMaxTags bounds the tags of one tags filter.
	kongMaxTags = 20
)

// kongList is the body of a Kong-style list: data, and the offset of the next page when there is one.
type kongList[T any] struct {
	Data   []T    `json:"data"`
	Offset string `json:"offset,omitempty"`
}

func newKongList[T any](data []T, page store.KongPage, more bool) kongList[T] {
	if data == nil {
		data = []T{}
	}
	l := kongList[T]{Data: data}
	if more {
		l.Offset = encodeOffset(page.Offset + page.Size)
	}
	return l
}

func encodeOffset(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(n)))
}

func decodeOffset(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0 && n <= kongMaxOffset
}

// kongListParams reads size, offset, tags and filter[name] of a Kong-style list request.
func kongListParams(q url.Values, sizeKey, offsetKey string) (store.KongPage, store.KongFilter, error) {
	return kongPageParams(q, sizeKey, offsetKey, true)
}

// kongPageParams reads the page of a Kong-style list and, when filterable, its tags and name filters;
// otherwise those are refused rather than ignored.
func kongPageParams(q url.Values, sizeKey, offsetKey string, filterable bool) (store.KongPage, store.KongFilter, error) {
	page := store.KongPage{Size: kongDefaultSize}
	var vs []core.Violation
	if s := q.Get(sizeKey); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > kongMaxSize {
			vs = append(vs, queryViolation(sizeKey, "invalid", fmt.Sprintf("%q must be a number from 1 to %d", sizeKey, kongMaxSize)))
		} else {
			page.Size = n
		}
	}
	if s := q.Get(offsetKey); s != "" {
		n, ok := decodeOffset(s)
		if !ok {
			vs = append(vs, queryViolation(offsetKey, "invalid",
				fmt.Sprintf("%q must be a value returned by a previous list response", offsetKey)))
		}
		page.Offset = n
	}
	var f store.KongFilter
	if !filterable {
		for _, key := range slices.Sorted(maps.Keys(q)) {
			if key == "tags" || strings.HasPrefix(key, "filter") {
				vs = append(vs, queryViolation(key, "invalid", "this list cannot be filtered"))
			}
		}
		return page, f, core.Invalid(vs...)
	}
	if tags := q.Get("tags"); tags != "" {
		if strings.Count(tags, ",")+strings.Count(tags, "/") >= kongMaxTags {
			vs = append(vs, maxViolation("tags", "tags", kongMaxTags))
		}
		if strings.Contains(tags, "/") {
			f.AnyTags = strings.Split(tags, "/")
		} else {
			f.Tags = strings.Split(tags, ",")
		}
	}
	filters, fvs := parseTextFilters(q, "name")
	vs = append(vs, fvs...)
	f.Name = filters["name"]
	return page, f, core.Invalid(vs...)
}

// writeUnauthorized answers 401. Kong entity endpoints answer as the control-plane document
// specifies, {"message", "status"} in application/json; every other endpoint answers problem+json.
func writeUnauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	if !strings.HasPrefix(r.URL.Path, "/v2/control-planes/") || !strings.Contains(r.URL.Path, "/core-entities/") {
		writeProblem(w, http.StatusUnauthorized, detail, nil)
		return
	}
	writeJSON(w, http.StatusUnauthorized, struct {
		Message string `json:"message"`
		Status  int    `json:"status"`
	}{detail, http.StatusUnauthorized})
}

// kongRoute is route for Kong entity and node endpoints, whose 404 and 409 answers are JSON
// with a message, as the control-plane document defines those errors.
func (a *API) kongRoute(path string, methods map[string]handlerFunc) {
	a.routeWith(path, methods, a.writeKongError)
}

// writeKongError renders 404 and 409 as the control-plane document does; the problem fields stay
// for clients that read them. Other statuses keep the common rendering, which that document also
// allows.
func (a *API) writeKongError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) || (he.status != http.StatusNotFound && he.status != http.StatusConflict) {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, he.status, kongError{
		Message: he.detail, Status: he.status, Title: titles[he.status], Instance: traceID(), Detail: he.detail,
	})
}

// kongError is an error of the control-plane document: a message, plus the problem fields.
type kongError struct {
	Message  string `json:"message"`
	Status   int    `json:"status"`
	Title    string `json:"title"`
	Instance string `json:"instance"`
	Detail   string `json:"detail"`
}

// serviceJSON is Kong's service entity.
type serviceJSON struct {
	ID                string    `json:"id"`
	Name              *string   `json:"name"`
	Protocol          string    `json:"protocol"`
	Host              string    `json:"host"`
	Port              int       `json:"port"`
	Path              *string   `json:"path"`
	Retries           int       `json:"retries"`
	ConnectTimeout    int       `json:"connect_timeout"`
	WriteTimeout      int       `json:"write_timeout"`
	ReadTimeout       int       `json:"read_timeout"`
	Enabled           bool      `json:"enabled"`
	Tags              []string  `json:"tags"`
	TLSVerify         *bool     `json:"tls_verify"`
	TLSVerifyDepth    *int      `json:"tls_verify_depth"`
	CACertificates    []string  `json:"ca_certificates"`
	ClientCertificate *struct{} `json:"client_certificate"`
	CreatedAt         int64     `json:"created_at"`
	UpdatedAt         int64     `json:"updated_at"`
}

func toServiceJSON(s core.GatewayService) serviceJSON {
	return serviceJSON{
		ID: s.ID, Name: s.Name, Protocol: s.Protocol, Host: s.Host, Port: s.Port, Path: s.Path,
		Retries: s.Retries, ConnectTimeout: s.ConnectTimeout, WriteTimeout: s.WriteTimeout, ReadTimeout: s.ReadTimeout,
		Enabled: s.Enabled, Tags: s.Tags, TLSVerify: s.TLSVerify, TLSVerifyDepth: s.TLSVerifyDepth,
		CACertificates: s.CACertificates, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// readServiceInput reads a Kong service body. client_certificate and tls_sans are accepted as null only.
func readServiceInput(o *object) core.ServiceInput {
	in := core.ServiceInput{
		Name:           field[string](o, "name", true),
		URL:            field[string](o, "url", true),
		Protocol:       field[string](o, "protocol", true),
		Host:           field[string](o, "host", false),
		Port:           field[int](o, "port", true),
		Path:           field[string](o, "path", true),
		Retries:        field[int](o, "retries", true),
		ConnectTimeout: field[int](o, "connect_timeout", true),
		WriteTimeout:   field[int](o, "write_timeout", true),
		ReadTimeout:    field[int](o, "read_timeout", true),
		Enabled:        field[bool](o, "enabled", true),
		Tags:           field[[]string](o, "tags", true),
		TLSVerify:      field[bool](o, "tls_verify", true),
		TLSVerifyDepth: field[int](o, "tls_verify_depth", true),
		CACertificates: field[[]string](o, "ca_certificates", true),
	}
	for _, name := range []string{"client_certificate", "tls_sans"} {
		if raw, ok := o.take(name); ok && !isNull(raw) {
			o.violate(core.InvalidViolation(name, fmt.Sprintf("this server does not support %s: leave it out or send null", name)))
		}
	}
	o.ignore("id", "created_at", "updated_at")
	return in
}

func (a *API) listServices(w http.ResponseWriter, r *http.Request) error {
	page, filter, err := kongListParams(r.URL.Query(), "size", "offset")
	if err != nil {
		return err
	}
	ctx, region := r.Context(), regionOf(r)
	var (
		list []core.GatewayService
		more bool
	)
	err = a.store.View(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		list, more, err = tx.ListServices(ctx, region, cp.ID, filter, page)
		return err
	})
	return respond(w, err, http.StatusOK, newKongList(mapEach(list, toServiceJSON), page, more))
}

func (a *API) createService(w http.ResponseWriter, r *http.Request) error {
	return a.putService(w, r, "", http.StatusCreated)
}

func (a *API) upsertService(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("serviceId")
	if !core.IsUUID(id) {
		return core.Invalid(core.Violation{Field: "id", Rule: "is_uuid", Source: "path",
			Reason: "services are created or replaced by id: the path must end with a UUID"})
	}
	return a.putService(w, r, id, http.StatusOK)
}

// putService creates (id "" or unknown) or replaces a service, Kong style: the body describes the
// whole service and absent fields take their defaults.
func (a *API) putService(w http.ResponseWriter, r *http.Request, id string, status int) error {
	o, err := readObject(w, r)
	if err != nil {
		return err
	}
	in := readServiceInput(o)
	if vs := o.finish(); len(vs) > 0 {
		return core.Invalid(vs...)
	}
	ctx, region, now := r.Context(), regionOf(r), a.now().Unix()
	var s core.GatewayService
	err = a.store.WithTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		created := now
		if id == "" {
			id = uuid.NewString()
		} else {
			if err := tx.LockForUpdate(ctx, store.LockedServices, id); err != nil {
				return err
			}
			current, err := tx.GetService(ctx, region, cp.ID, id)
			switch {
			case err == nil:
				created = current.CreatedAt
			case !errors.Is(err, store.ErrNotFound):
				return err
			default:
				taken, err := tx.ServiceIDTaken(ctx, id)
				if err != nil {
					return err
				}
				if taken {
					return errorf(http.StatusConflict, "Service id %s is already used by a service of another control plane: choose another id.", id)
				}
			}
		}
		var vs []core.Violation
		s, vs = core.BuildGatewayService(in, id, region, cp.ID, created, now)
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		if s.Name != nil {
			taken, err := tx.ServiceNameTaken(ctx, cp.ID, *s.Name, s.ID)
			if err != nil {
				return err
			}
			if taken {
				return errorf(http.StatusConflict, "Control plane %q (%s) already has a service named %q: choose another name.", cp.Name, cp.ID, *s.Name)
			}
		}
		return tx.PutService(ctx, s)
	})
	if err != nil {
		return err
	}
	writeJSON(w, status, toServiceJSON(s))
	return nil
}

func (a *API) getService(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	var s core.GatewayService
	err := a.store.View(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		s, err = getService(ctx, tx, cp, r.PathValue("serviceId"))
		return err
	})
	return respond(w, err, http.StatusOK, toServiceJSON(s))
}

// deleteService deletes a service with its plugins; as in Kong, deleting a missing service succeeds.
// It is refused (409) while routes send traffic to it or an API is linked to it.
func (a *API) deleteService(w http.ResponseWriter, r *http.Request) error {
	ctx, region := r.Context(), regionOf(r)
	err := a.store.WithTx(ctx, func(tx *store.Tx) error {
		cp, err := getControlPlane(ctx, tx, region, r.PathValue("controlPlaneId"))
		if err != nil {
			return err
		}
		s, err := getService(ctx, tx, cp, r.PathValue("serviceId"))
		if err != nil {
			var he *httpError
			if errors.As(err, &he) && he.status == http.StatusNotFound {
				return nil
			}
			return err
		}
		if err := serviceRoutesError(ctx, tx, s); err != nil {
			return err
		}
		im, err := tx.ImplementationOfService(ctx, s.ID)
		switch {
		case err == nil:
			api, err := tx.GetAPI(ctx, region, im.APIID)
			if err != nil {
				return err
			}
			return errorf(http.StatusConflict,
				"Service %s is linked to API %s (%s): remove the link (DELETE /v3/apis/%s/implementations/%s) before deleting the service.",
				serviceLabel(s), core.APILabel(api.Name, api.Version), api.ID, api.ID, im.ID)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return tx.DeleteService(ctx, region, cp.ID, s.ID)
	})
	return noContent(w, err)
}

// getService finds a service of the control plane by id or, as Kong allows, by name.
func getService(ctx context.Context, tx *store.Tx, cp core.ControlPlane, idOrName string) (core.GatewayService, error) {
	var (
		s   core.GatewayService
		err error
	)
	if core.IsUUID(idOrName) {
		s, err = tx.GetService(ctx, cp.Region, cp.ID, idOrName)
	} else {
		s, err = tx.GetServiceByName(ctx, cp.Region, cp.ID, idOrName)
	}
	if errors.Is(err, store.ErrNotFound) {
		return s, errorf(http.StatusNotFound, "Service %s not found in control plane %s", idOrName, cp.ID)
	}
	return s, err
}

func serviceLabel(s core.GatewayService) string {
	if s.Name != nil {
		return fmt.Sprintf("%q (%s)", *s.Name, s.ID)
	}
	return s.ID
}
