package store

import (
	"fmt"
	"strings"
)

// Page selects one page of a list; Number starts at 1.
type Page struct {
	Size   int
	Number int
}

func (p Page) offset() int { return (p.Number - 1) * p.Size }

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
		w.add(column + " LIKE " + w.arg("%"+escapeLike(f.Value)+"%") + ` ESCAPE '\'`)
	case OpOeq, OpOcontains:
		var ors []string
		for _, v := range strings.Split(f.Value, ",") {
			if f.Op == OpOeq {
				ors = append(ors, column+" = "+w.arg(v))
			} else {
				ors = append(ors, column+" LIKE "+w.arg("%"+escapeLike(v)+"%")+` ESCAPE '\'`)
			}
		}
		w.add("(" + strings.Join(ors, " OR ") + ")")
	}
}

func (w *where) String() string { return strings.Join(w.conds, " AND ") }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
