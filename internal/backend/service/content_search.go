package service

import (
	"context"
	"strings"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/core"
	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/store"
)

// ReferenceMatch is a match of a search through the reference of a portal's APIs: an operation
// of an API's specification, or a published document of an API.
type ReferenceMatch struct {
	API core.API
	// Version is the version whose specification holds Operation; zero for a document.
	Version   core.APIVersion
	Operation *apispec.Operation
	Document  *core.APIDocument
	// Match is the text that matched.
	Match string
}

// searchAPIsPage is how many APIs a reference search reads at a time.
const searchAPIsPage = 100

// SearchReference returns at most limit operations and documents of the APIs dev may see on the
// portal whose text contains q, ignoring case: an operation's path, summary, description or
// operationId; a document's title or content. Specifications that no longer parse are skipped.
func (s *Service) SearchReference(ctx context.Context, p core.Portal, dev *core.Developer, q string, limit int) ([]ReferenceMatch, error) {
	q = strings.TrimSpace(q)
	out := []ReferenceMatch{}
	if q == "" || limit <= 0 {
		return out, nil
	}
	needle := strings.ToLower(q)
	contains := func(texts ...string) string {
		for _, t := range texts {
			if strings.Contains(strings.ToLower(t), needle) {
				return t
			}
		}
		return ""
	}
	for number := 1; len(out) < limit; number++ {
		apis, total, err := s.Catalogue(ctx, p, dev, "", store.Page{Size: searchAPIsPage, Number: number})
		if err != nil {
			return nil, err
		}
		for _, a := range apis {
			ref, err := s.PublishedAPI(ctx, p, dev, a.API.ID)
			if err != nil {
				return nil, err
			}
			for _, v := range ref.Versions {
				doc, err := apispec.Parse([]byte(v.SpecContent))
				if err != nil {
					continue
				}
				for _, g := range doc.Reference().Groups {
					for _, op := range g.Operations {
						if m := contains(op.Path, op.Summary, op.OperationID, op.Description); m != "" && len(out) < limit {
							out = append(out, ReferenceMatch{API: a.API, Version: v, Operation: &op, Match: m})
						}
					}
				}
			}
			var walk func([]*core.DocumentNode)
			walk = func(nodes []*core.DocumentNode) {
				for _, n := range nodes {
					if m := contains(n.Title, core.StripFrontMatter(n.Content)); m != "" && len(out) < limit {
						d := n.APIDocument
						out = append(out, ReferenceMatch{API: a.API, Document: &d, Match: excerpt(m, needle)})
					}
					walk(n.Children)
				}
			}
			walk(ref.Documents)
		}
		if number*searchAPIsPage >= total {
			break
		}
	}
	return out, nil
}

// excerpt returns the words around the first match of needle in text, so that a long document
// does not come back whole as its match.
func excerpt(text, needle string) string {
	const around = 80
	i := strings.Index(strings.ToLower(text), needle)
	if i < 0 || len(text) <= 2*around {
		return text
	}
	start, end := max(0, i-around), min(len(text), i+len(needle)+around)
	for start > 0 && !isRuneStart(text[start]) {
		start--
	}
	for end < len(text) && !isRuneStart(text[end]) {
		end++
	}
	return strings.TrimSpace(text[start:end])
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
