// Package e2e holds the end-to-end tests of the gateway node. Terraform applies portals, strategies,
// APIs, gateway services and routes, applications, registrations and keys against the bundled
// backend; a node started in-process pulls the control plane's configuration through the API, and
// real HTTP requests through the node show what it enforces, as a developer's calls would.
//
// The tests run with TF_ACC=1, like the provider's acceptance tests, and each makes its own objects.
// BenchmarkChangeEnforced measures how long a change made through the API takes to reach traffic:
// from a key's creation to the first request it lets through, and from its deletion to the first
// request it no longer does.
package e2e
