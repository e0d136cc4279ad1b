// Package httpapi is the bundled backend's HTTP layer: routing by region, admin token checks,
// JSON wire types following the Konnect documents, application/problem+json errors and
// pagination. Domain rules come from package core and persistence from package store.
package httpapi
