package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// newKeyAuthPortal stores a portal whose default application auth strategy is a key_auth one.
func newKeyAuthPortal(t *testing.T, s *Service, st *store.Store) core.Portal {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	strategy := core.AuthStrategy{ID: uuid.NewString(), Region: core.DefaultRegion, Name: "keys", DisplayName: "Keys",
		StrategyType: core.StrategyKeyAuth, KeyAuth: core.KeyAuthConfig{KeyNames: []string{"apikey"}}, CreatedAt: now, UpdatedAt: now}
	if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.InsertAuthStrategy(ctx, strategy) }); err != nil {
		t.Fatal(err)
	}
	p := newTestPortal(t, st, true)
	p.DefaultApplicationAuthStrategyID = &strategy.ID
	if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.UpdatePortal(ctx, p) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Portal(ctx, p.Region, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func newTestDeveloper(t *testing.T, s *Service, p core.Portal, email string) core.Developer {
	t.Helper()
	d, err := s.CreateDeveloper(context.Background(), p.Region, p.ID, NewDeveloper{Email: email, FullName: "Dev " + email})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestApplicationKeysStory: a developer creates an application with the portal's default strategy,
// gets a key's secret once, renames and revokes it; another developer sees none of it.
func TestApplicationKeysStory(t *testing.T) {
	ctx := context.Background()
	s, st := newTestService(t)
	p := newKeyAuthPortal(t, s, st)
	ann, bob := newTestDeveloper(t, s, p, "ann@example.com"), newTestDeveloper(t, s, p, "bob@example.com")

	app, err := s.CreateApplication(ctx, p, ann, ApplicationInput{Name: core.Val("Weather app")})
	if err != nil {
		t.Fatal(err)
	}
	if app.Strategy == nil || app.AuthStrategyID != *p.DefaultApplicationAuthStrategyID || app.DeveloperID != ann.ID {
		t.Errorf("application %+v does not use the portal's default strategy for its owner", app)
	}
	if _, err := s.Application(ctx, p, bob, app.ID); KindOf(err) != NotFound {
		t.Errorf("another developer's application: %v, want NotFound", err)
	}

	k, err := s.CreateKey(ctx, p, ann, app.ID, "")
	if err != nil || k.Secret == "" || k.Key.DisplayName == "" {
		t.Fatalf("CreateKey = %+v, %v", k, err)
	}
	if !core.APIKeyMatches(k.Secret, k.Key.Hash) {
		t.Errorf("the stored hash does not match the secret given once")
	}
	if err := s.RenameKey(ctx, p, ann, app.ID, k.Key.ID, "laptop"); err != nil {
		t.Fatal(err)
	}
	keys, total, err := s.Keys(ctx, p, ann, app.ID, store.Page{Size: 10, Number: 1})
	if err != nil || total != 1 || keys[0].DisplayName != "laptop" {
		t.Fatalf("Keys = %+v, %d, %v", keys, total, err)
	}
	if err := s.DeleteKey(ctx, p, bob, app.ID, k.Key.ID); KindOf(err) != NotFound {
		t.Errorf("another developer revoking the key: %v, want NotFound", err)
	}
	if err := s.DeleteKey(ctx, p, ann, app.ID, k.Key.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Keys(ctx, p, ann, app.ID, store.Page{Size: 10, Number: 1}); total != 0 {
		t.Errorf("%d keys left after revoking the only one", total)
	}

	if err := s.DeleteApplication(ctx, p, ann, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Applications(ctx, p, ann, ApplicationFilter{}, store.Page{Size: 10, Number: 1}); total != 0 {
		t.Errorf("%d applications left after deleting the only one", total)
	}
}

// TestRefusalsNameTheirField: refusals that concern a form field say which, for the website to show
// the sentence beside it.
func TestRefusalsNameTheirField(t *testing.T) {
	ctx := context.Background()
	s, st := newTestService(t)
	p := newKeyAuthPortal(t, s, st)
	ann := newTestDeveloper(t, s, p, "ann@example.com")
	app, err := s.CreateApplication(ctx, p, ann, ApplicationInput{Name: core.Val("App")})
	if err != nil {
		t.Fatal(err)
	}

	noDefault := p
	noDefault.DefaultApplicationAuthStrategyID = nil
	_, err = s.CreateApplication(ctx, noDefault, ann, ApplicationInput{Name: core.Val("Other")})
	wantViolation(t, "no strategy and no default", err, "auth_strategy_id")
	_, err = s.CreateApplication(ctx, p, ann, ApplicationInput{Name: core.Val("")})
	wantViolation(t, "empty name", err, "name")
	_, err = s.CreateApplication(ctx, p, ann, ApplicationInput{Name: core.Val("X"), AuthStrategyID: core.Val(uuid.NewString())})
	wantViolation(t, "a strategy no API of the portal uses", err, "auth_strategy_id")

	_, err = s.CreateRegistration(ctx, p, ann, app.ID, uuid.NewString())
	if e := wantKind(t, "registration for an API not on the portal", err, NotFound); e.Field != "api_id" {
		t.Errorf("refusal names field %q, want api_id", e.Field)
	}
	_, err = s.CreateRegistration(ctx, p, ann, app.ID, "not-an-id")
	wantViolation(t, "malformed api_id", err, "api_id")

	err = s.SignUp(ctx, p, testClient, "not an address", "Name")
	wantViolation(t, "malformed address", err, "email")
}

func wantViolation(t *testing.T, what string, err error, field string) {
	t.Helper()
	var ve *core.ValidationError
	if !errors.As(err, &ve) || len(ve.Violations) == 0 || ve.Violations[0].Field != field {
		t.Errorf("%s: %v, want a violation of %s", what, err, field)
	}
}
