// Package service holds the backend's operations: each one opens its transaction, loads what it
// needs, applies the rules of package core, stores the result and queues the messages it causes.
// The JSON front end (package httpapi) and the portal website (package web) both call these
// operations, so that a rule changes in one place; neither opens a transaction of its own for
// work that an operation here does.
//
// Operations return domain errors: *core.ValidationError for invalid input, naming the field, and
// *Error with a Kind for everything else. Each front end maps the kinds once, to an HTTP status or
// to a sentence beside a form field.
package service
