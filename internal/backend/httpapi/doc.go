// Package httpapi is the bundled backend's HTTP layer: routing by region, the admin API behind
// its token checks, each portal's developer API behind session cookies, the application auth
// data that gateway nodes read, JSON wire types following the Konnect documents,
// application/problem+json errors, pagination, the access log and panic recovery. Domain rules
// come from package core and persistence from package store.
package httpapi
