// Package appauth enforces the managed konnect-application-auth plugin on a gateway node: which
// application a request's API key or OpenID Connect token names, and whether that application may
// call the API the plugin is scoped to.
//
// A Table holds the applications of one node configuration, a Policy the compiled plugin of one
// service, and Issuers the OpenID Connect discovery documents and signing keys, shared across
// configurations so that a reload does not refetch them.
package appauth
