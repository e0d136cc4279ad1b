package httpapi

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// Limits of list requests; each is documented in the bundled backend guide.
const (
	defaultPageSize = 10
	maxPageSize     = 100
	// maxPageNumber keeps page offsets (at most 10^8 rows) far from overflow and far beyond
	// any list this server holds.
	maxPageNumber = 1_000_000
	// maxFilters bounds the filter[...] parameters of one request.
	maxFilters = 10
	// maxFilterValues bounds the comma-separated values of one oeq or ocontains filter.
	maxFilterValues = 50
	// maxSortTerms bounds the comma-separated fields of sort.
	maxSortTerms = 10
)

// maxViolation reports a query parameter beyond its documented maximum.
func maxViolation(name, what string, max int) core.Violation {
	v := queryViolation(name, "max", fmt.Sprintf("%q takes at most %d %s", name, max, what))
	v.Maximum = &max
	return v
}

// listResponse is the body of every list endpoint.
type listResponse[T any] struct {
	Data []T      `json:"data"`
	Meta metaPage `json:"meta"`
}

type metaPage struct {
	Page pageMeta `json:"page"`
}

type pageMeta struct {
	Number int `json:"number"`
	Size   int `json:"size"`
	Total  int `json:"total"`
}

func newListResponse[T any](data []T, page store.Page, total int) listResponse[T] {
	if data == nil {
		data = []T{}
	}
	return listResponse[T]{Data: data, Meta: metaPage{Page: pageMeta{Number: page.Number, Size: page.Size, Total: total}}}
}

// mapEach converts each item of a list, as list endpoints do from stored objects to wire types.
func mapEach[S, T any](items []S, conv func(S) T) []T {
	out := make([]T, len(items))
	for i, v := range items {
		out[i] = conv(v)
	}
	return out
}

func queryViolation(field, rule, reason string) core.Violation {
	return core.Violation{Field: field, Rule: rule, Reason: reason, Source: "query"}
}

// parsePage reads page[size] (default 10, at most 100) and page[number] (default 1, at most
// maxPageNumber).
func parsePage(q url.Values) (store.Page, []core.Violation) {
	page := store.Page{Size: defaultPageSize, Number: 1}
	var vs []core.Violation
	read := func(name string, dst *int, max int) {
		s := q.Get(name)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") {
			n, err = max+1, nil // too large for an int: beyond the maximum
		}
		if err != nil {
			vs = append(vs, queryViolation(name, "is_number", fmt.Sprintf("%q must be a number", name)))
			return
		}
		if n < 1 {
			v := queryViolation(name, "min", fmt.Sprintf("%q must be at least 1", name))
			one := 1
			v.Minimum = &one
			vs = append(vs, v)
			return
		}
		if n > max {
			v := queryViolation(name, "max", fmt.Sprintf("%q must be at most %d", name, max))
			v.Maximum = &max
			vs = append(vs, v)
			return
		}
		*dst = n
	}
	read("page[size]", &page.Size, maxPageSize)
	read("page[number]", &page.Number, maxPageNumber)
	return page, vs
}

var filterKey = regexp.MustCompile(`^filter\[([a-z_]+)\](?:\[([a-z]+)\])?$`)

var textOps = []string{store.OpEq, store.OpNeq, store.OpOeq, store.OpContains, store.OpOcontains}

// parseTextFilters reads filter[field]=v (meaning eq) and filter[field][op]=v for the given
// fields. Filters on other fields are rejected rather than silently ignored.
func parseTextFilters(q url.Values, fields ...string) (map[string]store.TextFilter, []core.Violation) {
	out := map[string]store.TextFilter{}
	var vs []core.Violation
	n := 0
	for key, values := range q {
		if strings.HasPrefix(key, "filter") {
			n += len(values)
		}
	}
	if n > maxFilters {
		return out, []core.Violation{maxViolation("filter", "filter parameters per request", maxFilters)}
	}
	for _, key := range slices.Sorted(maps.Keys(q)) {
		values := q[key]
		m := filterKey.FindStringSubmatch(key)
		if m == nil {
			if strings.HasPrefix(key, "filter") {
				vs = append(vs, queryViolation(key, "invalid", "filters are written filter[<field>] or filter[<field>][<operator>]"))
			}
			continue
		}
		name, op := m[1], m[2]
		if !slices.Contains(fields, name) {
			v := queryViolation(key, "enum", fmt.Sprintf("filtering by %q is not supported", name))
			v.Choices = fields
			vs = append(vs, v)
			continue
		}
		if op == "" {
			op = store.OpEq
		}
		if !slices.Contains(textOps, op) {
			v := queryViolation(key, "enum", fmt.Sprintf("operator %q is not supported", op))
			v.Choices = textOps
			vs = append(vs, v)
			continue
		}
		if (op == store.OpOeq || op == store.OpOcontains) && strings.Count(values[0], ",") >= maxFilterValues {
			vs = append(vs, maxViolation(key, "comma-separated values", maxFilterValues))
			continue
		}
		out[name] = store.TextFilter{Op: op, Value: values[0]}
	}
	return out, vs
}

// parseSort reads sort: a comma-separated list of fields, each optionally followed by " asc" or
// " desc", as Konnect writes it ("name,created_at desc").
func parseSort(q url.Values, fields map[string]string) ([]store.Sort, []core.Violation) {
	raw := q.Get("sort")
	if raw == "" {
		return nil, nil
	}
	choices := slices.Sorted(maps.Keys(fields))
	if strings.Count(raw, ",") >= maxSortTerms {
		return nil, []core.Violation{maxViolation("sort", "fields", maxSortTerms)}
	}
	var out []store.Sort
	for _, item := range strings.Split(raw, ",") {
		parts := strings.Fields(item)
		desc := false
		if len(parts) == 2 && (parts[1] == "asc" || parts[1] == "desc") {
			desc = parts[1] == "desc"
			parts = parts[:1]
		}
		if len(parts) != 1 || fields[parts[0]] == "" {
			v := queryViolation("sort", "enum", fmt.Sprintf(`"sort" field must contain any of: [%s], each optionally followed by asc or desc`, strings.Join(choices, ", ")))
			v.Choices = choices
			return nil, []core.Violation{v}
		}
		out = append(out, store.Sort{Field: parts[0], Desc: desc})
	}
	return out, nil
}

// sortedListParams is listParams for lists that also take sort over sortFields.
func sortedListParams(r *http.Request, sortFields map[string]string, filterFields ...string) (store.Page, map[string]store.TextFilter, error) {
	page, filters, err := listParams(r, filterFields...)
	sorts, vs := parseSort(r.URL.Query(), sortFields)
	if len(vs) > 0 {
		var ve *core.ValidationError
		if errors.As(err, &ve) {
			vs = append(ve.Violations, vs...)
		}
		return page, nil, core.Invalid(vs...)
	}
	page.Sort = sorts
	return page, filters, err
}

// listParams reads pagination and filters of a list request, failing with a 400 on bad values.
func listParams(r *http.Request, filterFields ...string) (store.Page, map[string]store.TextFilter, error) {
	q := r.URL.Query()
	page, vs := parsePage(q)
	filters, fvs := parseTextFilters(q, filterFields...)
	vs = append(vs, fvs...)
	if len(vs) > 0 {
		return page, nil, core.Invalid(vs...)
	}
	return page, filters, nil
}
