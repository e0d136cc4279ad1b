package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/service"
)

// formState is a form as a page shows it: the values to fill in (what the visitor typed, after a
// refusal; never a password) and the refusals, beside a field or at the top of the form.
type formState struct {
	ID     string
	values map[string]string
	// errors holds the sentence for each field; the key "" is the form as a whole.
	errors map[string]string
}

// newForm returns an empty form with the given id.
func newForm(id string) *formState {
	return &formState{ID: id, values: map[string]string{}, errors: map[string]string{}}
}

// postedForm returns the form with id as r posted it, keeping the named fields (passwords are
// never among them, so a refused form never shows one again).
func postedForm(id string, r *http.Request, keep ...string) *formState {
	f := newForm(id)
	for _, name := range keep {
		f.values[name] = r.PostFormValue(name)
	}
	return f
}

// Value returns the value to fill the field name with.
func (f *formState) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.values[name]
}

// Error returns the refusal shown beside the field name, or "".
func (f *formState) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.errors[name]
}

// FormError returns the refusal shown at the top of the form, or "".
func (f *formState) FormError() string { return f.Error("") }

// Refused reports whether the form carries any refusal.
func (f *formState) Refused() bool { return f != nil && len(f.errors) > 0 }

// set sets a value to fill in.
func (f *formState) set(name, value string) *formState {
	f.values[name] = value
	return f
}

// refuse records a sentence beside field ("" for the top of the form); the first sentence for a
// place wins, as it is the one the visitor should act on first.
func (f *formState) refuse(field, sentence string) {
	if _, taken := f.errors[field]; !taken {
		f.errors[field] = sentence
	}
}

// refusal is how an operation's refusal shows on a form: the status of the page that shows it,
// and the sentences by field ("" for the top of the form).
type refusal struct {
	status int
	// retryAfter is in seconds, for rate limits; zero for none.
	retryAfter int
	sentences  map[string]string
}

// refusalRule turns one kind of refusal into what the form shows. A rule applies when every one
// of its non-empty matchers does.
type refusalRule struct {
	kind  service.Kind
	field string // the refusal's Field; "" matches any
	title string // the refusal's Title; "" matches any
	// form is the id of the form the rule is for; "" matches any.
	form string
	// at is where the sentence shows: a form field, or "" for the top of the form. "=" keeps the
	// refusal's own Field (translated by formFields).
	at string
	// say returns the sentence; nil keeps the refusal's Detail.
	say func(e *service.Error) string
}

// refusalRules is the one table of how the operations' refusals read on the website. The first
// rule that applies wins; an error no rule takes shows its Detail at the top of the form.
var refusalRules = []refusalRule{
	// Log-in: a wrong address or password names neither, so that the form does not reveal which
	// addresses have accounts; a pending, rejected or revoked developer reads the portal's sentence.
	{kind: service.Unauthenticated, title: "Invalid Credentials", say: func(*service.Error) string {
		return "The e-mail address or the password is wrong: check both, or choose a new password with “Forgot your password?”."
	}},
	{kind: service.Unauthenticated, form: "login"},
	// One-time links: used, unknown or expired.
	{kind: service.NotFound, field: "token", say: func(*service.Error) string {
		return "This link was used already or is not valid: ask for a new one with “Forgot your password?”."
	}},
	{kind: service.Gone, field: "token", say: func(*service.Error) string {
		return "This link has expired: ask for a new one with “Forgot your password?”."
	}},
	// Rate limits and lockouts: the sentence says until when; the website offers its own way to
	// choose a new password rather than the JSON API's.
	{kind: service.TooManyRequests, say: func(e *service.Error) string {
		return websiteWords(e.Detail)
	}},
	// Registrations.
	{kind: service.NotFound, field: "api_id", at: "api_id", say: func(*service.Error) string {
		return "This API is not available to your applications on this portal: choose another one."
	}},
	{kind: service.Conflict, field: "api_id", at: "api_id", say: func(*service.Error) string {
		return "This application is already registered with this API: see its status in the table above."
	}},
	// Keys.
	{kind: service.Forbidden, form: "create-key", say: func(*service.Error) string {
		return fmt.Sprintf("This application already has %d keys, the most it may hold: revoke a key you no longer use, then create the new one.",
			core.MaxAPIKeysPerApplication)
	}},
	// Applications.
	{kind: service.Conflict, form: "create-app", say: func(e *service.Error) string {
		if strings.Contains(e.Detail, "applications, the most") {
			return fmt.Sprintf("You already have %d applications, the most one developer may have: delete one you no longer need, then create the new one.",
				core.MaxApplicationsPerDeveloper)
		}
		return websiteWords(e.Detail)
	}},
	{kind: service.NotFound, form: "", say: func(*service.Error) string {
		return "This item no longer exists: reload the page to see what is there now."
	}},
}

// violationRules turns the violations of one field into the website's sentence where the
// operation's reason speaks of the JSON API; other violations show their reason.
var violationRules = []struct {
	field, rule string
	say         func(v core.Violation) string
}{
	{"auth_strategy_id", "", func(core.Violation) string {
		return "Choose how the application authenticates: the APIs you want to use accept only the ways listed."
	}},
	{"email", "required", func(core.Violation) string { return "Enter your e-mail address." }},
	{"email", "", func(core.Violation) string {
		return "Enter an e-mail address such as name@example.com."
	}},
	{"full_name", "required", func(core.Violation) string { return "Enter your name." }},
	{"password", "required", func(core.Violation) string { return "Enter a password." }},
	{"name", "required", func(core.Violation) string { return "Enter a name." }},
	{"api_id", "required", func(core.Violation) string { return "Choose an API." }},
	{"api_id", "is_uuid", func(core.Violation) string { return "Choose an API from the list." }},
	{"token", "", func(core.Violation) string {
		return "This link is not complete: open it again from the message, or ask for a new one with “Forgot your password?”."
	}},
}

// formFields translates the operations' field names into the names of the website's inputs,
// where they differ.
var formFields = map[string]string{
	"username":     "email",
	"display_name": "name",
	"token":        "",
}

// refuse turns err, an operation's refusal, into what the form shows. ok is false for errors that
// are no refusal (internal failures), which the caller passes on to the error page.
func refuse(form string, err error) (refusal, bool) {
	r := refusal{sentences: map[string]string{}}
	var invalid *core.ValidationError
	if errors.As(err, &invalid) {
		r.status = http.StatusUnprocessableEntity
		for _, v := range invalid.Violations {
			at, known := formFields[v.Field]
			if !known {
				at = v.Field
			}
			if _, taken := r.sentences[at]; !taken {
				r.sentences[at] = violationSentence(at, v)
			}
		}
		return r, true
	}
	var e *service.Error
	if !errors.As(err, &e) || e.Kind == service.Internal {
		return r, false
	}
	r.status = statusOf(e.Kind)
	if e.Kind == service.TooManyRequests && e.RetryAfter > 0 {
		r.retryAfter = max(1, int(e.RetryAfter.Seconds()+0.5))
	}
	for _, rule := range refusalRules {
		if rule.kind != e.Kind || (rule.field != "" && rule.field != e.Field) || (rule.title != "" && rule.title != e.Title) ||
			(rule.form != "" && rule.form != form) {
			continue
		}
		sentence := e.Detail
		if rule.say != nil {
			sentence = rule.say(e)
		}
		r.sentences[rule.at] = sentence
		return r, true
	}
	r.sentences[""] = websiteWords(e.Detail)
	return r, true
}

// violationSentence returns the website's sentence for one violation of the input named field.
func violationSentence(field string, v core.Violation) string {
	if v.Field == "token" {
		field = "token"
	}
	for _, rule := range violationRules {
		if rule.field == field && (rule.rule == "" || rule.rule == v.Rule) {
			return rule.say(v)
		}
	}
	return sentence(v.Reason)
}

// statusOf is the status of a page that shows a refusal of kind k.
func statusOf(k service.Kind) int {
	switch k {
	case service.NotFound:
		return http.StatusNotFound
	case service.Conflict:
		return http.StatusConflict
	case service.Forbidden:
		return http.StatusForbidden
	case service.Unauthenticated:
		return http.StatusUnauthorized
	case service.TooManyRequests:
		return http.StatusTooManyRequests
	case service.Gone:
		return http.StatusGone
	default:
		return http.StatusBadRequest
	}
}

// apiHints are the JSON API's directions in the operations' sentences, with what the website
// offers instead.
var apiHints = strings.NewReplacer(
	"reset the password with POST /api/v3/developer/forgot-password", "choose a new password with “Forgot your password?”",
	" (see GET /api/v3/apis)", "",
)

// wireTime matches the timestamps of the operations' sentences, written for programs (RFC 3339).
var wireTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z`)

// websiteWords returns an operation's sentence with the JSON API's directions replaced by the
// website's, and its timestamps written for people.
func websiteWords(detail string) string {
	return wireTime.ReplaceAllStringFunc(apiHints.Replace(detail), func(ts string) string {
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			return ts
		}
		return t.UTC().Format("15:04 UTC on 2 January 2006")
	})
}

// sentence makes a violation's reason, such as "must not have more than 100 characters", read as
// a sentence: first letter upper case, final full stop.
func sentence(reason string) string {
	reason = strings.TrimSpace(websiteWords(reason))
	if reason == "" {
		return "This value is not accepted."
	}
	r, n := utf8.DecodeRuneInString(reason)
	reason = string(unicode.ToUpper(r)) + reason[n:]
	if !strings.HasSuffix(reason, ".") {
		reason += "."
	}
	return reason
}

// apply records the refusal's sentences on the form.
func (r refusal) apply(f *formState) {
	for at, s := range r.sentences {
		f.refuse(at, s)
	}
}

// inputView is one labelled input of a form, with its refusal.
type inputView struct {
	Form, Name, Label, Type, Autocomplete, Value, Error string
	Optional                                            bool
}

// ID is the input's id, which its label names.
func (i inputView) ID() string { return i.Form + "-" + i.Name }

// ErrorID is the id of the refusal beside the input, which aria-describedby names.
func (i inputView) ErrorID() string { return i.Form + "-" + i.Name + "-error" }

// Input returns the view of the required input name, of HTML type typ, for the "input" template.
func (f *formState) Input(name, label, typ, autocomplete string) inputView {
	return inputView{Form: f.ID, Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Value: f.Value(name), Error: f.Error(name)}
}

// OptionalInput is Input for an input that may stay empty.
func (f *formState) OptionalInput(name, label, typ, autocomplete string) inputView {
	in := f.Input(name, label, typ, autocomplete)
	in.Optional = true
	return in
}
