// Package core holds the bundled backend's domain rules as plain functions: input validation,
// defaults and derived values. It performs no I/O, so every rule is covered by table tests.
package core
