package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// appRoutes registers "My applications": the list with its create form, and each application's
// page, whose forms all post to the page's own address with an action field.
func (s *Site) appRoutes() {
	s.handle("GET /apps", s.accounts(s.developerOnly(s.appsPage)))
	s.post("POST /apps", s.accounts(s.developerOnly(s.createApp)))
	s.handle("GET /apps/{id}", s.accounts(s.developerOnly(s.appPage)))
	s.post("POST /apps/{id}", s.accounts(s.developerOnly(s.appAction)))
}

// developerOnly wraps the handler of a page for signed-in approved developers: anyone else is led
// to the login page, which brings them back.
func (s *Site) developerOnly(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		if !v.SignedIn() {
			return s.signInFirst(w, r, v)
		}
		return h(w, r, v)
	}
}

// allOfThem is the page of a list the website shows whole: a developer has at most
// core.MaxApplicationsPerDeveloper applications and core.MaxAPIKeysPerApplication keys each.
var allOfThem = store.Page{Size: 1000, Number: 1}

// strategyChoice is an auth strategy a new application may use.
type strategyChoice struct {
	ID, Label string
}

// appRow is one application of the list.
type appRow struct {
	ID, Name, Description, Strategy string
	Registrations                   int
	CreatedAt                       time.Time
}

// appsView is the data of the list page.
type appsView struct {
	Apps []appRow
	// Strategies are those the portal's APIs use, which the create form offers; a choice shows
	// only when there is more than one.
	Strategies []strategyChoice
	Create     *formState
}

// appsPage lists the developer's applications, with the form that creates one.
func (s *Site) appsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.showApps(w, r, v, newForm("create-app"), nil)
}

func (s *Site) showApps(w http.ResponseWriter, r *http.Request, v *viewer, create *formState, ref *refusal) error {
	ctx := r.Context()
	apps, _, err := s.svc.Applications(ctx, v.Portal, *v.Developer, service.ApplicationFilter{}, allOfThem)
	if err != nil {
		return err
	}
	strategies, err := s.offeredStrategies(ctx, v)
	if err != nil {
		return err
	}
	data := appsView{Strategies: strategies, Create: create}
	for _, a := range apps {
		row := appRow{ID: a.ID, Name: a.Name, Registrations: a.Registrations, CreatedAt: a.CreatedAt, Strategy: strategyLabel(a.Strategy)}
		if a.Description != nil {
			row.Description = *a.Description
		}
		data.Apps = append(data.Apps, row)
	}
	status := http.StatusOK
	if ref != nil {
		status = ref.status
		ref.apply(create)
	}
	return s.render(w, r, page{Name: "apps/list.html", Title: "My applications", Status: status, Notice: s.takeNotice(w, r, v), Data: data})
}

// offeredStrategies returns the auth strategies of the APIs the developer sees, in name order.
func (s *Site) offeredStrategies(ctx context.Context, v *viewer) ([]strategyChoice, error) {
	apis, _, err := s.svc.APIs(ctx, v.Portal, v.Developer, allOfThem)
	if err != nil {
		return nil, err
	}
	var out []strategyChoice
	for _, a := range apis {
		if a.Strategy == nil || slices.ContainsFunc(out, func(c strategyChoice) bool { return c.ID == a.Strategy.ID }) {
			continue
		}
		out = append(out, strategyChoice{ID: a.Strategy.ID, Label: strategyLabel(a.Strategy)})
	}
	slices.SortFunc(out, func(a, b strategyChoice) int { return cmp.Compare(a.Label, b.Label) })
	return out, nil
}

// strategyLabel names a strategy for developers: its display name and what its credentials are.
func strategyLabel(st *core.AuthStrategy) string {
	if st == nil {
		return "No longer available"
	}
	name := cmp.Or(st.DisplayName, st.Name)
	switch st.StrategyType {
	case core.StrategyKeyAuth:
		return name + " (API keys)"
	case core.StrategyOpenIDConnect:
		return name + " (OpenID Connect)"
	}
	return name
}

// createApp creates an application and leads to its page.
func (s *Site) createApp(w http.ResponseWriter, r *http.Request, v *viewer) error {
	f := postedForm("create-app", r, "name", "description", "auth_strategy_id")
	in := service.ApplicationInput{
		Name:           formField(f.Value("name")),
		Description:    formField(f.Value("description")),
		AuthStrategyID: formField(f.Value("auth_strategy_id")),
	}
	app, err := s.svc.CreateApplication(r.Context(), v.Portal, *v.Developer, in)
	if err != nil {
		ref, err := refused(f.ID, err)
		if err != nil {
			return err
		}
		return s.showApps(w, r, v, f, ref)
	}
	s.setNotice(w, v, "app-created", "")
	return seeOther(w, r, "/apps/"+app.ID)
}

// formField is a form's text input as an operation's field: trimmed, and absent when empty.
func formField(value string) core.Field[string] {
	value = strings.TrimSpace(value)
	return core.Field[string]{Value: value, Set: value != ""}
}

// registrationRow is one registration of an application's page.
type registrationRow struct {
	ID, APIName, APISlug string
	Status               core.RegistrationStatus
	// Paused: the API's publication no longer accepts the application's strategy, so the
	// registration grants nothing whatever its status.
	Paused    bool
	CreatedAt time.Time
}

// keyRow is one key of an application's page; never its secret.
type keyRow struct {
	ID, Name, Hint       string
	CreatedAt, ExpiresAt time.Time
}

// apiChoice is an API the application may be registered with.
type apiChoice struct{ ID, Name string }

// newKeyView is a key just created, shown once.
type newKeyView struct{ Name, Secret string }

// appView is the data of an application's page.
type appView struct {
	ID, Name, Description, Strategy, ClientID string
	// KeyAuth: the application's credentials are API keys the developer creates here, sent in
	// a header (or query parameter) of one of KeyNames.
	KeyAuth       bool
	KeyNames      []string
	CreatedAt     time.Time
	Registrations []registrationRow
	Keys          []keyRow
	// Registrable are the APIs the application may be registered with: those the developer sees,
	// published with the application's strategy, not registered yet. OtherStrategies counts the
	// APIs left out because they take another strategy.
	Registrable     []apiChoice
	OtherStrategies int
	NewKey          *newKeyView
	// KeysVersion names the set of keys the page shows; the create form posts it back, so that
	// the same post sent again (a reload of the page that shows a new key) creates no second key.
	KeysVersion string
	// The page's forms; Action is the one posted, for the refusals of the per-row forms.
	Rename, Delete, Register, CreateKey, Action *formState
}

// appPage shows one of the developer's applications.
func (s *Site) appPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	data, err := s.appData(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.showApp(w, r, v, data, http.StatusOK)
}

// appData loads an application's page; NotFound (the 404 page) for another developer's.
func (s *Site) appData(ctx context.Context, v *viewer, id string) (*appView, error) {
	app, err := s.svc.Application(ctx, v.Portal, *v.Developer, id)
	if service.KindOf(err) == service.NotFound {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	data := &appView{ID: app.ID, Name: app.Name, Strategy: strategyLabel(app.Strategy), CreatedAt: app.CreatedAt,
		KeyAuth: app.Strategy != nil && app.Strategy.StrategyType == core.StrategyKeyAuth,
		Rename:  newForm("rename-app").set("name", app.Name), Delete: newForm("delete-app"),
		Register: newForm("register-api"), CreateKey: newForm("create-key"), Action: newForm("")}
	if app.Description != nil {
		data.Description = *app.Description
		data.Rename.set("description", *app.Description)
	}
	if data.KeyAuth {
		data.KeyNames = app.Strategy.KeyAuth.KeyNames
	}
	if app.Strategy != nil && app.Strategy.StrategyType == core.StrategyOpenIDConnect {
		data.ClientID = app.ClientID
	}
	regs, _, err := s.svc.Registrations(ctx, v.Portal, *v.Developer, app.ID, service.RegistrationFilter{}, allOfThem)
	if err != nil {
		return nil, err
	}
	registered := map[string]bool{}
	for _, reg := range regs {
		registered[reg.APIID] = true
		data.Registrations = append(data.Registrations, registrationRow{ID: reg.ID, APIName: reg.APIName, APISlug: reg.APISlug,
			Status: reg.Status, CreatedAt: reg.CreatedAt,
			Paused: reg.PublicationAuthStrategyID == nil || *reg.PublicationAuthStrategyID != reg.ApplicationAuthStrategyID})
	}
	if data.KeyAuth {
		keys, _, err := s.svc.Keys(ctx, v.Portal, *v.Developer, app.ID, allOfThem)
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(keys))
		for _, k := range keys {
			data.Keys = append(data.Keys, keyRow{ID: k.ID, Name: k.DisplayName, Hint: k.Hint, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt})
			ids = append(ids, k.ID)
		}
		data.KeysVersion = keysVersion(ids)
	}
	apis, _, err := s.svc.APIs(ctx, v.Portal, v.Developer, allOfThem)
	if err != nil {
		return nil, err
	}
	for _, a := range apis {
		switch {
		case a.Publication.AuthStrategyID == nil || registered[a.API.ID]:
		case *a.Publication.AuthStrategyID != app.AuthStrategyID:
			data.OtherStrategies++
		default:
			data.Registrable = append(data.Registrable, apiChoice{ID: a.API.ID, Name: a.API.Name})
		}
	}
	slices.SortFunc(data.Registrable, func(a, b apiChoice) int { return cmp.Compare(a.Name, b.Name) })
	return data, nil
}

func (s *Site) showApp(w http.ResponseWriter, r *http.Request, v *viewer, data *appView, status int) error {
	notice := s.takeNotice(w, r, v)
	if data.NewKey != nil {
		notice = "Copy the key now: this is the only time it is shown. Keep it secret, as a password."
	}
	return s.render(w, r, page{Name: "apps/detail.html", Title: data.Name, Status: status, Notice: notice, Data: data})
}

// appAction runs the action a form of an application's page posted.
func (s *Site) appAction(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx, id := r.Context(), r.PathValue("id")
	data, err := s.appData(ctx, v, id)
	if err != nil {
		return err
	}
	var (
		form   *formState
		action = r.PostFormValue("action")
	)
	switch action {
	case "rename":
		form = postedForm("rename-app", r, "name", "description")
		data.Rename = form
		in := service.ApplicationInput{Name: formField(form.Value("name")),
			Description: core.Field[string]{Value: strings.TrimSpace(form.Value("description")), Set: true}}
		if in.Description.Value == "" {
			in.Description.Null = true
		}
		if !in.Name.Set {
			err = core.Invalid(core.RequiredViolation("name"))
		} else if _, err = s.svc.UpdateApplication(ctx, v.Portal, *v.Developer, id, in); err == nil {
			s.setNotice(w, v, "app-renamed", "")
			return seeOther(w, r, "/apps/"+id)
		}
	case "delete":
		form = data.Delete
		if err = s.svc.DeleteApplication(ctx, v.Portal, *v.Developer, id); err == nil {
			s.setNotice(w, v, "app-deleted", data.Name)
			return seeOther(w, r, "/apps")
		}
	case "register":
		form = postedForm("register-api", r, "api_id")
		data.Register = form
		var reg service.Registration
		if reg, err = s.svc.CreateRegistration(ctx, v.Portal, *v.Developer, id, form.Value("api_id")); err == nil {
			s.setNotice(w, v, "registered", reg.APIName)
			return seeOther(w, r, "/apps/"+id)
		}
	case "unregister":
		regID := r.PostFormValue("registration_id")
		form = newForm("unregister-" + regID)
		name := ""
		for _, reg := range data.Registrations {
			if reg.ID == regID {
				name = reg.APIName
			}
		}
		if err = s.svc.DeleteRegistration(ctx, v.Portal, *v.Developer, id, regID); err == nil {
			s.setNotice(w, v, "unregistered", name)
			return seeOther(w, r, "/apps/"+id)
		}
	case "create-key":
		form = postedForm("create-key", r, "name")
		data.CreateKey = form
		if r.PostFormValue("keys_version") != data.KeysVersion {
			form.refuse("", "A key was created from this form already, and it is shown only once: "+
				"if you need another one, create it now.")
			noStore(w)
			return s.showApp(w, r, v, data, http.StatusConflict)
		}
		var key service.NewKey
		if key, err = s.svc.CreateKey(ctx, v.Portal, *v.Developer, id, strings.TrimSpace(form.Value("name"))); err == nil {
			return s.showNewKey(w, r, v, id, key)
		}
	case "revoke-key":
		keyID := r.PostFormValue("key_id")
		form = newForm("revoke-key-" + keyID)
		name := ""
		for _, k := range data.Keys {
			if k.ID == keyID {
				name = k.Name
			}
		}
		if err = s.svc.DeleteKey(ctx, v.Portal, *v.Developer, id, keyID); err == nil {
			s.setNotice(w, v, "key-revoked", name)
			return seeOther(w, r, "/apps/"+id)
		}
	default:
		return &pageError{status: http.StatusBadRequest, message: "This form asks for nothing this page does: reload the page and use one of its buttons."}
	}
	ref, err := refused(form.ID, err)
	if err != nil {
		return err
	}
	ref.apply(form)
	if strings.HasPrefix(form.ID, "revoke-key-") || strings.HasPrefix(form.ID, "unregister-") {
		data.Action = form
	}
	if ref.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ref.retryAfter))
	}
	return s.showApp(w, r, v, data, ref.status)
}

// showNewKey answers the creation of a key with the application's page showing the key's secret,
// once: the answer is not stored by any cache, and no redirect carries the secret, so that
// reloading or coming back shows the page without it.
func (s *Site) showNewKey(w http.ResponseWriter, r *http.Request, v *viewer, appID string, key service.NewKey) error {
	data, err := s.appData(r.Context(), v, appID)
	if err != nil {
		return err
	}
	data.NewKey = &newKeyView{Name: key.Key.DisplayName, Secret: key.Secret}
	noStore(w)
	noReferrer(w)
	return s.showApp(w, r, v, data, http.StatusCreated)
}

// keysVersion names a set of keys by their ids, in any order.
func keysVersion(ids []string) string {
	ids = slices.Sorted(slices.Values(ids))
	sum := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}
