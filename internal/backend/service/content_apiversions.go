package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// CheckSpec parses and checks an uploaded specification. A refusal is a *core.ValidationError
// on field whose reason names the line and says what to fix.
func CheckSpec(field, content string) (*apispec.Document, error) {
	doc, err := apispec.Parse([]byte(content))
	if err == nil {
		return doc, nil
	}
	var se *apispec.Error
	if !errors.As(err, &se) {
		return nil, err
	}
	return nil, core.Invalid(core.Violation{Field: field, Rule: "invalid", Source: "body",
		Reason: "the specification is not valid: " + se.Error()})
}

// contentAPI loads the API an admin content request addresses.
func contentAPI(ctx context.Context, tx *store.Tx, region, apiID string) (core.API, error) {
	a, err := tx.GetAPI(ctx, region, apiID)
	return a, orNotFound(err, "API", apiID)
}

func getAPIVersion(ctx context.Context, tx *store.Tx, region, apiID, id string) (core.APIVersion, error) {
	v, err := tx.GetAPIVersion(ctx, region, apiID, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, contentNotFound("API version", id, "API "+apiID)
	}
	return v, err
}

// APIVersions returns one page of the API's versions and their total.
func (s *Service) APIVersions(ctx context.Context, region, apiID string, f store.APIVersionFilter, page store.Page) ([]core.APIVersion, int, error) {
	var (
		list  []core.APIVersion
		total int
	)
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		var err error
		list, total, err = tx.ListAPIVersions(ctx, region, apiID, f, page)
		return err
	})
	return list, total, err
}

// APIVersion returns one version of the API, with its specification.
func (s *Service) APIVersion(ctx context.Context, region, apiID, id string) (core.APIVersion, error) {
	var v core.APIVersion
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		var err error
		v, err = getAPIVersion(ctx, tx, region, apiID, id)
		return err
	})
	return v, err
}

// CreateAPIVersion adds the API's version. As in the document, an API has at most one version:
// a second one is refused as a Conflict that names the first.
func (s *Service) CreateAPIVersion(ctx context.Context, region, apiID string, in core.APIVersionInput) (core.APIVersion, error) {
	if err := core.Invalid(core.ValidateAPIVersionInput(in, true)...); err != nil {
		return core.APIVersion{}, err
	}
	doc, err := CheckSpec("spec.content", in.SpecContent.Value)
	if err != nil {
		return core.APIVersion{}, err
	}
	var v core.APIVersion
	err = s.store.WithTx(ctx, func(tx *store.Tx) error {
		api, err := contentAPI(ctx, tx, region, apiID)
		if err != nil {
			return err
		}
		existing, err := tx.APIVersions(ctx, region, apiID)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			return Errorf(Conflict, "API %s already has a version (%s, id %s) and an API may only have one: "+
				"change it with PATCH /v3/apis/%s/versions/%s or delete it first.", apiID, existing[0].Version, existing[0].ID, apiID, existing[0].ID)
		}
		var vs []core.Violation
		v, vs = core.NewAPIVersion(in, uuid.NewString(), api, doc.Kind.SpecType(), doc.Version, s.now())
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		return tx.InsertAPIVersion(ctx, v)
	})
	return v, err
}

// UpdateAPIVersion changes the version's name or replaces its specification.
func (s *Service) UpdateAPIVersion(ctx context.Context, region, apiID, id string, in core.APIVersionInput) (core.APIVersion, error) {
	if err := core.Invalid(core.ValidateAPIVersionInput(in, false)...); err != nil {
		return core.APIVersion{}, err
	}
	var doc *apispec.Document
	if in.SpecContent.HasValue() {
		var err error
		if doc, err = CheckSpec("spec.content", in.SpecContent.Value); err != nil {
			return core.APIVersion{}, err
		}
	}
	var v core.APIVersion
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		if err := tx.LockForUpdate(ctx, store.LockedAPIVersions, id); err != nil {
			return err
		}
		current, err := getAPIVersion(ctx, tx, region, apiID, id)
		if err != nil {
			return err
		}
		specType, specVersion := current.SpecType, ""
		if doc != nil {
			specType, specVersion = doc.Kind.SpecType(), doc.Version
		}
		var vs []core.Violation
		v, vs = core.ApplyAPIVersionInput(current, in, specType, specVersion, s.now())
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		return tx.UpdateAPIVersion(ctx, v)
	})
	return v, err
}

// DeleteAPIVersion deletes a version of the API.
func (s *Service) DeleteAPIVersion(ctx context.Context, region, apiID, id string) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := contentAPI(ctx, tx, region, apiID); err != nil {
			return err
		}
		if _, err := getAPIVersion(ctx, tx, region, apiID, id); err != nil {
			return err
		}
		return tx.DeleteAPIVersion(ctx, region, apiID, id)
	})
}

// PutAPISpec stores the specification given as spec_content on an API request, in the caller's
// transaction: it replaces the specification of the API's version, or creates the version, named
// after the API's version or else the specification's.
func PutAPISpec(ctx context.Context, tx *store.Tx, api core.API, doc *apispec.Document, content string, now time.Time) error {
	versions, err := tx.APIVersions(ctx, api.Region, api.ID)
	if err != nil {
		return err
	}
	in := core.APIVersionInput{SpecContent: core.Val(content)}
	if len(versions) > 0 {
		v, vs := core.ApplyAPIVersionInput(versions[0], in, doc.Kind.SpecType(), doc.Version, now)
		if err := core.Invalid(vs...); err != nil {
			return err
		}
		return tx.UpdateAPIVersion(ctx, v)
	}
	if api.Version != nil {
		in.Version = core.Val(*api.Version)
	}
	v, vs := core.NewAPIVersion(in, uuid.NewString(), api, doc.Kind.SpecType(), doc.Version, now)
	if len(vs) > 0 {
		return core.Invalid(core.Violation{Field: "version", Rule: "required", Source: "body",
			Reason: fmt.Sprintf("version must be provided if not included in spec_content (as info.version): %s", vs[0].Reason)})
	}
	return tx.InsertAPIVersion(ctx, v)
}
