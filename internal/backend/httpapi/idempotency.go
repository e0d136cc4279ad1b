package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// fingerprintBodyLimit bounds how much of a body the idempotency layer reads to fingerprint it.
// It is above the decoder's limit, so every body a handler accepts is fingerprinted whole.
const fingerprintBodyLimit = 2 << 20

// replayedHeaders are the response headers a replay repeats; the others are computed per answer.
var replayedHeaders = []string{"Content-Type", "Location"}

// errDiscard makes Hold roll back a request whose answer must not be kept.
var errDiscard = errors.New("idempotency: discard the request's work")

// adminCredential names the admin token a request authenticated with: its hash, as stored.
func adminCredential(r *http.Request) string {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return "admin:" + core.HashToken(strings.TrimSpace(tok))
}

// developerCredential names the signed-in developer of an endpoint that needs one, or "" for
// endpoints that anonymous callers may use: those ignore Idempotency-Key (see idempotent).
func developerCredential(need access, c devContext) string {
	if need != signedIn || c.developer == nil {
		return ""
	}
	return "developer:" + c.developer.ID
}

// idempotent serves r, making a request with an Idempotency-Key safe to repeat: the first request
// with a key runs, and its answer is stored for core.IdempotencyRetention under the key and the
// credential; a repeat with the same key and the same method, region, path, query and body gets
// the stored answer back, marked Idempotent-Replayed: true, without running again; a repeat with
// a different request answers 409. Requests of one credential never see another's answers.
//
// The lookup, the handler's work and the stored answer share one transaction (store.Hold), and
// the answer is sent only after it commits. A crash before the commit leaves neither change nor
// answer, so a retry runs the request once more; after it, both exist and a retry replays. There
// is no window in which the change exists without its answer, which is what would duplicate
// objects on a retry. A concurrent request with the same key, sent to any replica, waits for the
// transaction of the first (SQLite has one writer; on PostgreSQL the lookup locks the key, see
// store.GetIdempotencyRecord) and then replays its answer rather than answering 409.
//
// Safe methods (GET, HEAD, OPTIONS, TRACE) and calls without a credential (credential "": the
// developer API's sign-up, login, logout, e-mail verification and password endpoints) ignore the
// header: repeating the former is harmless, and the latter have no caller to scope a key to, so
// anyone presenting a leaked key could read the stored answer.
//
// fail renders the layer's own refusals as the endpoint renders its errors.
func (a *API) idempotent(w http.ResponseWriter, r *http.Request, credential string,
	fail func(http.ResponseWriter, *http.Request, error), serve func(http.ResponseWriter, *http.Request)) {
	values := r.Header.Values(core.IdempotencyKeyHeader)
	if len(values) == 0 || credential == "" || core.IdempotentMethod(r.Method) {
		serve(w, r)
		return
	}
	if err := core.Invalid(core.ValidateIdempotencyKey(values)...); err != nil {
		fail(w, r, err)
		return
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, fingerprintBodyLimit))
	if err != nil {
		fail(w, r, err)
		return
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), r.Body))

	secrets := core.DeriveIdempotencySecrets(credential, values[0])
	fingerprint := secrets.Fingerprint(r.Method, regionOf(r), r.URL.Path, r.URL.RawQuery, head)
	rec := &recordedResponse{header: http.Header{}}
	var (
		replay   *core.StoredResponse
		mismatch bool
	)
	err = a.store.Hold(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		now := a.now()
		stored, err := tx.GetIdempotencyRecord(ctx, secrets.LookupHash, credential, now)
		switch {
		case err == nil && !core.SameFingerprint(stored.Fingerprint, fingerprint):
			mismatch = true
			return nil
		case err == nil:
			resp, err := secrets.Open(stored.Sealed)
			replay = &resp
			return err
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		serve(rec, r.WithContext(ctx))
		switch core.IdempotencyOutcomeOf(rec.statusCode()) {
		case core.RollBack:
			return errDiscard
		case core.CommitOnly:
			return nil
		}
		sealed, err := secrets.Seal(rec.stored())
		if err != nil {
			return err
		}
		if err := tx.PutIdempotencyRecord(ctx, core.IdempotencyRecord{
			LookupHash: secrets.LookupHash, Credential: credential, Fingerprint: fingerprint, Sealed: sealed,
			CreatedAt: now, ExpiresAt: now.Add(core.IdempotencyRetention),
		}); err != nil {
			return err
		}
		_, err = tx.PurgeIdempotencyRecords(ctx, now, core.IdempotencyPurgeBatch)
		return err
	})
	switch {
	case errors.Is(err, errDiscard):
		rec.sendTo(w)
	case err != nil:
		fail(w, r, err)
	case mismatch:
		fail(w, r, errorf(http.StatusConflict, "The Idempotency-Key of this request was already used, within the last 24 hours, "+
			"for a different request (another method, path, query or body): send a new key with a new request."))
	case replay != nil:
		for name, value := range replay.Header {
			w.Header().Set(name, value)
		}
		w.Header().Set(core.IdempotentReplayedHeader, "true")
		w.WriteHeader(replay.Status)
		_, _ = w.Write(replay.Body)
	default:
		rec.sendTo(w)
	}
}

// recordedResponse holds a handler's answer until its transaction commits.
type recordedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recordedResponse) Header() http.Header { return r.header }

func (r *recordedResponse) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recordedResponse) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

func (r *recordedResponse) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// stored is the answer as a replay repeats it.
func (r *recordedResponse) stored() core.StoredResponse {
	resp := core.StoredResponse{Status: r.statusCode(), Body: r.body.Bytes()}
	for _, name := range replayedHeaders {
		if v := r.header.Get(name); v != "" {
			if resp.Header == nil {
				resp.Header = map[string]string{}
			}
			resp.Header[name] = v
		}
	}
	return resp
}

func (r *recordedResponse) sendTo(w http.ResponseWriter) {
	for name, values := range r.header {
		w.Header()[name] = values
	}
	w.WriteHeader(r.statusCode())
	_, _ = w.Write(r.body.Bytes())
}
