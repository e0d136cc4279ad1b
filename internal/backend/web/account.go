package web

// accountRoutes registers the developer's own pages: sign-up, login, logout, passwords and
// applications.
func (s *Site) accountRoutes() {}
