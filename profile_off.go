//go:build !cpuprofile

package main

// startProfile does nothing: only builds with the cpuprofile tag profile the provider (see profile.go).
func startProfile() (stop func()) { return func() {} }
