// Package store persists the bundled backend's objects through database/sql, in SQLite (an
// embedded file, the default) or PostgreSQL (a server that several replicas of the backend
// share): two dialects of one store, with one set of queries.
//
// Queries use $n placeholders and SQL both databases read alike; the few constructs they spell
// differently (JSON arrays, row locks) go through the dialect type. Each dialect has its own
// migrations, embedded and applied in order at start under the same version names, so that the
// two schemas are always at the same version; on PostgreSQL an advisory lock keeps replicas that
// start together from migrating twice. Every query on a regional table filters by region: an
// object is invisible from other regions. Times are fixed-width RFC 3339 UTC text (formatTime) in
// both databases, which sorts as time does; only Kong's entities keep the unix seconds Kong
// reports, as integers. New columns use text times.
//
// Transactions: WithTx writes, View reads one snapshot, Hold spans several calls. SQLite runs one
// write transaction at a time; PostgreSQL runs them side by side, so read-modify-write paths lock
// what they read (LockForUpdate before loading the one object they change, LockRows, LockKey) or
// run serializable (WithSerializableTx), and transactions PostgreSQL aborts to keep them apart are
// run again.
package store
