package backend_test

import (
	"net/http"
	"testing"
)

// TestDeveloperEmailIgnoresCase checks that an address is one account whatever its case: sign-up,
// login, admin creation, lookup and updates all store and compare it lower-case.
func TestDeveloperEmailIgnoresCase(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	portal := e.createPortal("", `{"name":"case","authentication_enabled":true,"auto_approve_developers":true}`)
	pid := str(portal["id"])
	devs := "/v3/portals/" + pid + "/developers"

	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "Mixed.Case@Example.COM", "Mixed Case")
	dev.login("mixed.case@example.com")
	me := dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)
	if me["email"] != "mixed.case@example.com" {
		t.Errorf("signed-up address stored as %v, want it lower-case", me["email"])
	}

	e.do(http.MethodPost, devs, `{"email":"MIXED.case@example.com","full_name":"Twin"}`).problem(t, http.StatusConflict)
	found := e.do(http.MethodGet, devs+"?filter[email]=Mixed.Case@EXAMPLE.com", "").must(t, http.StatusOK)
	if list := found["data"].([]any); len(list) != 1 || list[0].(map[string]any)["id"] != me["id"] {
		t.Errorf("filter by the address in another case found %v, want developer %v", list, me["id"])
	}

	other := e.do(http.MethodPost, devs, `{"email":"Grace@Example.com","full_name":"Grace"}`).must(t, http.StatusCreated)
	if other["email"] != "grace@example.com" {
		t.Errorf("admin-created address stored as %v, want it lower-case", other["email"])
	}
	otherPath := devs + "/" + str(other["id"])
	// Taking another developer's address, in any case, is a conflict.
	p := e.do(http.MethodPatch, otherPath, `{"email":"MIXED.CASE@example.com"}`).problem(t, http.StatusConflict)
	if detail := str(p["detail"]); detail == "" {
		t.Errorf("conflict without detail: %v", p)
	}
	// The same address in another case changes nothing.
	same := e.do(http.MethodPatch, otherPath, `{"email":"GRACE@example.COM"}`).must(t, http.StatusOK)
	if same["email"] != "grace@example.com" || same["updated_at"] != other["updated_at"] {
		t.Errorf("re-casing the address: %v, want it unchanged", same)
	}
	moved := e.do(http.MethodPatch, otherPath, `{"email":"Grace.Hopper@Example.com"}`).must(t, http.StatusOK)
	if moved["email"] != "grace.hopper@example.com" || moved["id"] != other["id"] {
		t.Errorf("changed address: %v, want grace.hopper@example.com on developer %v", moved, other["id"])
	}
	e.do(http.MethodPatch, otherPath, `{"email":"not an address"}`).invalidParam(t, "email", "invalid")
}

// TestDeveloperUpdateInPlace checks that an admin renames a developer and changes their address
// without touching their status, sessions or applications.
func TestDeveloperUpdateInPlace(t *testing.T) {
	t.Parallel()
	e := startPortalEnv(t)
	portal := e.createPortal("", `{"name":"rename","authentication_enabled":true,"auto_approve_developers":true}`)
	pid := str(portal["id"])
	dev := e.developer("/portals/" + pid + "/api/v3")
	e.signUp(dev, "", pid, "ada@example.com", "Ada Lovelce")
	dev.login("ada@example.com")
	app := dev.do(http.MethodPost, "/applications", `{"name":"engine"}`).must(t, http.StatusCreated)
	id := str(dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)["id"])
	path := "/v3/portals/" + pid + "/developers/" + id

	b := e.do(http.MethodPatch, path, `{"full_name":"Ada Lovelace","email":"ada.lovelace@example.com"}`).must(t, http.StatusOK)
	if b["full_name"] != "Ada Lovelace" || b["email"] != "ada.lovelace@example.com" || b["status"] != "approved" || b["id"] != id {
		t.Fatalf("updated developer: %v", b)
	}
	if got := e.do(http.MethodGet, path, "").must(t, http.StatusOK); got["full_name"] != "Ada Lovelace" {
		t.Errorf("read after rename: %v", got)
	}
	// The session survives, and so does the application.
	me := dev.do(http.MethodGet, "/developer/me", "").must(t, http.StatusOK)
	if me["email"] != "ada.lovelace@example.com" {
		t.Errorf("me after the change: %v", me)
	}
	dev.do(http.MethodGet, "/applications/"+str(app["id"]), "").must(t, http.StatusOK)
	e.developer("/portals/" + pid + "/api/v3").login("Ada.Lovelace@example.com")

	e.do(http.MethodPatch, path, `{"full_name":""}`).invalidParam(t, "full_name", "min_length")
}
