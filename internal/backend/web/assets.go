package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFS embed.FS

// assetSet is the embedded static files, each served under a name that carries a hash of its
// content ("site.1a2b3c4d5e.css"), so that they can be cached for a year and a new build is
// fetched at once.
type assetSet struct {
	byName map[string]string // "site.css" → "/assets/site.1a2b3c4d5e.css"
	files  map[string]asset  // "site.1a2b3c4d5e.css" → content
}

type asset struct {
	content     []byte
	contentType string
}

func loadAssets() (*assetSet, error) {
	a := &assetSet{byName: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		ext := path.Ext(name)
		sum := sha256.Sum256(b)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.byName[name] = "/assets/" + hashed
		a.files[hashed] = asset{content: b, contentType: mime.TypeByExtension(ext)}
		return nil
	})
	return a, err
}

// url returns the address of the embedded asset name; templates call it as {{asset "site.css"}}.
func (a *assetSet) url(name string) (string, error) {
	u, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no asset %s", name)
	}
	return u, nil
}

// serveAsset serves an embedded asset by its hashed name.
func (s *Site) serveAsset(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.files[r.PathValue("name")]
	if !ok {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Length", fmt.Sprint(len(f.content)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.content)
	}
}
