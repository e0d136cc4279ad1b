// Package store persists the bundled backend's objects in SQLite through database/sql.
//
// Migrations are embedded and applied in order at start. Queries use $n placeholders and
// standard SQL so that another database/sql store (PostgreSQL) can share them. Every query on a
// regional table filters by region: an object is invisible from other regions.
package store
