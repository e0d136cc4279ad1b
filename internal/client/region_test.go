package client

import "testing"

func TestForRegion(t *testing.T) {
	tests := []struct {
		serverURL, region, want string
		matters                 bool
	}{
		{"https://{region}.api.example.com", "eu", "https://eu.api.example.com", true},
		{"http://127.0.0.1:8080/{region}/", "sg", "http://127.0.0.1:8080/sg", true},
		// Without the placeholder the URL is the same server whatever the region.
		{"http://127.0.0.1:8080", "au", "http://127.0.0.1:8080", false},
	}
	for _, tt := range tests {
		us, err := New(Config{ServerURL: tt.serverURL, Token: "spat_x"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := us.ForRegion(tt.region)
		if err != nil {
			t.Fatalf("ForRegion(%q): %v", tt.region, err)
		}
		if c.BaseURL() != tt.want || c.Region() != tt.region || c.RegionMatters() != tt.matters {
			t.Errorf("%s in %s: base %s, region %s, matters %v; want %s, %s, %v",
				tt.serverURL, tt.region, c.BaseURL(), c.Region(), c.RegionMatters(), tt.want, tt.region, tt.matters)
		}
		if c.token != us.token || c.http != us.http {
			t.Errorf("%s: the regional client does not share the token and connections", tt.serverURL)
		}
		if us.Region() != DefaultRegion {
			t.Errorf("ForRegion changed the original client's region to %s", us.Region())
		}
		if same, _ := us.ForRegion(DefaultRegion); same != us {
			t.Errorf("ForRegion of the client's own region made a new client")
		}
	}
	us, _ := New(Config{ServerURL: "https://{region}.api.example.com", Token: "spat_x"})
	if _, err := us.ForRegion("mars"); err == nil {
		t.Error("ForRegion(mars) did not fail")
	}
}
