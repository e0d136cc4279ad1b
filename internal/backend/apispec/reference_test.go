package apispec

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/apispec/apispectest"
)

var update = flag.Bool("update", false, "rewrite the .outline golden files from the current output")

// outline writes a Reference as indented text, one line per item, so that a golden file shows at
// a glance what the website would render.
func outline(ref Reference) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s %s\n", ref.Kind, ref.SpecVersion, ref.Title, ref.Version)
	for _, s := range ref.Servers {
		fmt.Fprintf(&b, "server %s %s %q\n", s.URL, s.Protocol, s.Description)
	}
	for _, s := range ref.SecuritySchemes {
		fmt.Fprintf(&b, "security scheme %s: %s in=%s name=%s scheme=%s\n", s.Name, s.Type, s.In, s.ParamName, s.Scheme)
	}
	for _, g := range ref.Groups {
		fmt.Fprintf(&b, "group #%s %q %q\n", g.Anchor, g.Name, g.Description)
		for _, op := range g.Operations {
			fmt.Fprintf(&b, "  %s %s #%s id=%s %q deprecated=%v security=%q\n", op.Method, op.Path, op.Anchor, op.OperationID, op.Summary, op.Deprecated, op.Security)
			for _, p := range op.Parameters {
				writeParameter(&b, "    ", p)
			}
			if rb := op.RequestBody; rb != nil {
				fmt.Fprintf(&b, "    body required=%v %q\n", rb.Required, rb.Description)
				writeContent(&b, "      ", rb.Content)
			}
			for _, r := range op.Responses {
				fmt.Fprintf(&b, "    response %s %q\n", r.Status, r.Description)
				for _, h := range r.Headers {
					writeParameter(&b, "      ", h)
				}
				writeContent(&b, "      ", r.Content)
			}
		}
	}
	for _, c := range ref.Channels {
		fmt.Fprintf(&b, "channel #%s %s address=%s %q\n", c.Anchor, c.Name, c.Address, c.Description)
		for _, p := range c.Parameters {
			writeParameter(&b, "  ", p)
		}
		for _, m := range c.Messages {
			writeMessage(&b, "  ", m)
		}
		for _, op := range c.Operations {
			fmt.Fprintf(&b, "  %s #%s id=%s %q\n", op.Action, op.Anchor, op.OperationID, op.Summary)
			for _, m := range op.Messages {
				writeMessage(&b, "    ", m)
			}
		}
	}
	return b.String()
}

func writeParameter(b *strings.Builder, indent string, p Parameter) {
	fmt.Fprintf(b, "%sparam %s in=%s required=%v: %s %q\n", indent, p.Name, p.In, p.Required, p.Schema.Summary(), p.Description)
}

func writeMessage(b *strings.Builder, indent string, m Message) {
	fmt.Fprintf(b, "%smessage %s %q %s\n", indent, m.Name, m.Summary, m.ContentType)
	if m.Headers != nil {
		writeSchema(b, indent+"  ", "headers ", m.Headers)
	}
	if m.Payload != nil {
		writeSchema(b, indent+"  ", "payload ", m.Payload)
	}
	if m.Example != "" {
		fmt.Fprintf(b, "%s  example %s\n", indent, strings.ReplaceAll(m.Example, "\n", " "))
	}
}

func writeContent(b *strings.Builder, indent string, content []MediaType) {
	for _, m := range content {
		fmt.Fprintf(b, "%s%s\n", indent, m.Name)
		if m.Schema != nil {
			writeSchema(b, indent+"  ", "", m.Schema)
		}
		if m.Example != "" {
			fmt.Fprintf(b, "%s  example %s\n", indent, strings.ReplaceAll(m.Example, "\n", " "))
		}
	}
}

func writeSchema(b *strings.Builder, indent, label string, s *Schema) {
	b.WriteString(indent)
	b.WriteString(label)
	if s.Name != "" {
		b.WriteString(s.Name)
		if s.Required {
			b.WriteString("*")
		}
		b.WriteString(": ")
	}
	b.WriteString(s.Summary())
	for _, flag := range []struct {
		on   bool
		text string
	}{{s.Nullable, "nullable"}, {s.Deprecated, "deprecated"}, {s.ReadOnly, "read-only"}, {s.WriteOnly, "write-only"}, {s.Truncated, "not expanded"}} {
		if flag.on {
			b.WriteString(" [" + flag.text + "]")
		}
	}
	if len(s.Enum) > 0 {
		fmt.Fprintf(b, " enum=%q", s.Enum)
	}
	if s.Default != "" {
		fmt.Fprintf(b, " default=%s", s.Default)
	}
	if len(s.Constraints) > 0 {
		fmt.Fprintf(b, " (%s)", strings.Join(s.Constraints, "; "))
	}
	if len(s.Extends) > 0 {
		fmt.Fprintf(b, " extends=%q", s.Extends)
	}
	if s.Description != "" {
		fmt.Fprintf(b, " %q", s.Description)
	}
	b.WriteString("\n")
	child := indent + "  "
	for _, p := range s.Properties {
		writeSchema(b, child, "", p)
	}
	if s.Items != nil && (len(s.Items.Properties) > 0 || len(s.Items.Variants) > 0) {
		writeSchema(b, child, "[] ", s.Items)
	}
	if s.AdditionalProperties != nil {
		writeSchema(b, child, "{} ", s.AdditionalProperties)
	}
	for _, v := range s.Variants {
		writeSchema(b, child, "| ", v)
	}
}

// TestReferenceGolden renders the example documents and compares the outline with the golden
// files in testdata; run with -update after a deliberate change and read the diff.
func TestReferenceGolden(t *testing.T) {
	for name, content := range apispectest.Examples() {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse(content)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := outline(doc.Reference())
			golden := filepath.Join("testdata", strings.TrimSuffix(name, ".yaml")+".outline")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("outline of %s differs from %s:\n%s", name, golden, got)
			}
		})
	}
}
