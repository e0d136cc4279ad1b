package store

import (
	"fmt"
	"math"
	"strings"
)

// Page selects one page of a list; Number starts at 1. Sort orders the list before it is cut
// into pages; lists that take no sort parameter ignore it.
type Page struct {
	Size   int
	Number int
	Sort   []Sort
}

// Sort orders a list by one field, as the API names it.
type Sort struct {
	Field string
	Desc  bool
}

// PortalSortFields and AuthStrategySortFields are the fields lists can be sorted by, with their columns.
var (
	PortalSortFields = map[string]string{
		"name": "name", "description": "description", "authentication_enabled": "authentication_enabled",
		"rbac_enabled": "rbac_enabled", "auto_approve_applications": "auto_approve_applications",
		"auto_approve_developers": "auto_approve_developers", "default_domain": "default_domain",
		"canonical_domain": "default_domain", "created_at": "created_at", "updated_at": "updated_at",
	}
	AuthStrategySortFields = map[string]string{
		"name": "name", "display_name": "display_name", "strategy_type": "strategy_type",
		"created_at": "created_at", "updated_at": "updated_at",
	}
)

// orderBy renders page.Sort over columns, ending with creation order and id so that equal keys
// keep a stable order across pages.
func (p Page) orderBy(columns map[string]string) string {
	return p.orderThen(columns, "created_at", "id")
}

// orderThen renders page.Sort over columns, ending with the tie-breaking columns last. Fields
// without a column are skipped: callers validate them.
func (p Page) orderThen(columns map[string]string, last ...string) string {
	var keys []string
	for _, s := range p.Sort {
		col, ok := columns[s.Field]
		if !ok {
			continue
		}
		// SQLite sorts NULL below every value and PostgreSQL above: the NULL test first gives
		// SQLite's order on both.
		if s.Desc {
			keys = append(keys, col+" IS NULL", col+" DESC")
		} else {
			keys = append(keys, col+" IS NULL DESC", col)
		}
	}
	return " ORDER BY " + strings.Join(append(keys, last...), ", ")
}

// creationOrder orders lists that take no sort parameter; id keeps equal times in a stable order.
const creationOrder = " ORDER BY created_at, id"

// offset is the number of rows before the page. The API bounds page numbers; should a larger
// one arrive, the offset saturates past every row rather than wrapping around.
func (p Page) offset() int {
	if p.Number <= 1 || p.Size <= 0 {
		return 0
	}
	if p.Number-1 > math.MaxInt/p.Size {
		return math.MaxInt
	}
	return (p.Number - 1) * p.Size
}

// Filter operators for text columns, as Konnect's StringFieldFilter names them.
const (
	OpEq        = "eq"
	OpNeq       = "neq"
	OpOeq       = "oeq"
	OpContains  = "contains"
	OpOcontains = "ocontains"
)

// TextFilter restricts a text column. For the "o" operators Value is a comma-separated list.
type TextFilter struct {
	Op    string
	Value string
}

// where collects the conditions and arguments of a list query.
type where struct {
	conds []string
	args  []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) text(column string, f TextFilter) {
	switch f.Op {
	case OpEq:
		w.add(column + " = " + w.arg(f.Value))
	case OpNeq:
		w.add(column + " <> " + w.arg(f.Value))
	case OpContains:
		w.add(w.contains(column, f.Value))
	case OpOeq, OpOcontains:
		var ors []string
		for _, v := range strings.Split(f.Value, ",") {
			if f.Op == OpOeq {
				ors = append(ors, column+" = "+w.arg(v))
			} else {
				ors = append(ors, w.contains(column, v))
			}
		}
		w.add("(" + strings.Join(ors, " OR ") + ")")
	}
}

// in restricts column to one of values, which must not be empty.
func (w *where) in(column string, values []string) {
	params := make([]string, len(values))
	for i, v := range values {
		params[i] = w.arg(v)
	}
	w.add(column + " IN (" + strings.Join(params, ", ") + ")")
}

// contains is the condition that column contains value, ignoring the case of ASCII letters.
func (w *where) contains(column, value string) string {
	return w.containsArg(column, w.arg(containsPattern(value)))
}

// containsArg is contains with the pattern already an argument, for several columns to share it.
func (w *where) containsArg(column, patternArg string) string {
	return "lower(" + column + ") LIKE " + patternArg + ` ESCAPE '\'`
}

func (w *where) String() string { return strings.Join(w.conds, " AND ") }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
