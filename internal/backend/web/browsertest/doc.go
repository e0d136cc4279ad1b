// Package browsertest plays the developer portal website's story in a real headless Chromium:
// Terraform applies a portal with a public and a private API against the bundled backend started
// in-process; an anonymous visitor reads what is public; a developer signs up, follows the
// verification link of the e-mail, sets a password, is refused at log-in while pending, is approved
// by `terraform apply`, logs in, creates an application, registers it with an API, waits for
// Terraform to approve the registration, and creates an API key that the site shows once.
//
// The tests run with TF_ACC=1, like the provider's acceptance tests, and skip with a message where
// no Chromium can be found. With -screenshots=DIR they save PNGs of the main pages into DIR
// (`make screenshots` writes docs/screenshots).
package browsertest
