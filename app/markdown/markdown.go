// Package markdown renders physician-written Markdown (case posts, replies,
// consult and chat messages) to sanitised HTML and extracts @mentions.
//
// The source is parsed as CommonMark plus GFM tables, strikethrough and
// autolinks. Raw HTML in the source is never passed through, and the HTML
// goldmark produces is run through a strict bluemonday policy as a second
// wall, so Result.HTML is safe to use as template.HTML.
//
// Output is deterministic for a given input. Callers must bound the input
// length (at the form or API layer) before calling Render: it caps goldmark's
// super-linear paths (see limits.go) but never truncates.
package markdown

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Result is a rendered document and the users it mentions.
type Result struct {
	// HTML is sanitised markup, safe to mark as template.HTML.
	HTML string
	// Mentions lists distinct lower-cased handles in order of first appearance.
	Mentions []string
}

// linkRel is set on every link: posts are user content, so search engines
// must not credit the targets and the targets must not learn where the
// reader came from or reach back through window.opener.
const linkRel = "nofollow noopener noreferrer"

// md and policy are safe for concurrent use once built.
var (
	md     = newMarkdown()
	policy = newPolicy()
)

// newMarkdown spells out goldmark's default parsers and the table and
// strikethrough extensions instead of using goldmark.DefaultParser and
// extension.GFM, so that the expensive parts can be wrapped in limits.
func newMarkdown() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewSetextHeadingParser(), 100),
			util.Prioritized(parser.NewThematicBreakParser(), 200),
			util.Prioritized(depthLimited{parser.NewListParser()}, 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewATXHeadingParser(), 600),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(depthLimited{parser.NewBlockquoteParser()}, 800),
			util.Prioritized(parser.NewHTMLBlockParser(), 900),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(linkLimited{parser.NewLinkParser()}, 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewRawHTMLParser(), 400),
			util.Prioritized(delimiterLimited{parser.NewEmphasisParser()}, 500),
			util.Prioritized(delimiterLimited{extension.NewStrikethroughParser()}, 500),
		),
		parser.WithParagraphTransformers(
			util.Prioritized(parser.LinkReferenceParagraphTransformer, 100),
			util.Prioritized(tableLimited{extension.NewTableParagraphTransformer()}, 200),
		),
		parser.WithASTTransformers(util.Prioritized(pipeEscapesLimited{extension.NewTableASTTransformer()}, 0)),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(
				util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
				util.Prioritized(extension.NewTableHTMLRenderer(
					extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
			),
		),
		goldmark.WithExtensions(
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
			mentionExtension{},
		),
	)
}

// Render converts Markdown to sanitised HTML and collects its mentions.
func Render(src string) Result {
	if plainLine(src) {
		return renderPlain(src)
	}
	return renderParsed(src)
}

// renderParsed is Render through goldmark and the sanitiser.
func renderParsed(src string) Result {
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	doc, handles := parse(source)
	var buf bytes.Buffer
	buf.Grow(len(source) + len(source)/2)
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// Unreachable with a bytes.Buffer, but if goldmark ever fails we
		// still must not hand back half-written markup.
		return Result{HTML: "<p>" + html.EscapeString(src) + "</p>", Mentions: handles}
	}
	return Result{HTML: string(policy.SanitizeBytes(buf.Bytes())), Mentions: handles}
}

// Mentions returns the handles Render would report, without rendering HTML.
func Mentions(src string) []string {
	if plainLine(src) {
		return nil
	}
	_, handles := parse([]byte(strings.ToValidUTF8(src, "\uFFFD")))
	return handles
}

// parse builds the AST and applies the site rules that need tree context:
// mentions inside links become text, links and images whose targets are not
// allowed are replaced by their text, and surviving links get rel attributes.
func parse(source []byte) (ast.Node, []string) {
	doc := md.Parser().Parse(text.NewReader(source))

	var (
		handles []string
		seen    = map[string]bool{}
		demote  []*mentionNode
		unwrap  []ast.Node
		flatten []*ast.AutoLink
		inLink  int
	)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Link:
			if !entering {
				inLink--
				break
			}
			inLink++
			if !allowedHref(n.Destination) {
				unwrap = append(unwrap, n)
			}
			n.SetAttributeString("rel", []byte(linkRel))
		case *ast.Image:
			if !entering {
				inLink--
				break
			}
			inLink++
			if !siteRelative(n.Destination) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			if !entering {
				break
			}
			if n.AutoLinkType == ast.AutoLinkURL && !allowedHref(n.URL(source)) {
				flatten = append(flatten, n)
			}
			n.SetAttributeString("rel", []byte(linkRel))
		case *mentionNode:
			if !entering {
				break
			}
			// A mention inside link text would nest <a> elements and is
			// rarely meant as a notification, so it stays plain text.
			if inLink > 0 {
				demote = append(demote, n)
				break
			}
			h := strings.ToLower(n.handle)
			if !seen[h] {
				seen[h] = true
				handles = append(handles, h)
			}
		}
		return ast.WalkContinue, nil
	})

	for _, m := range demote {
		p := m.Parent()
		p.ReplaceChild(p, m, ast.NewTextSegment(m.segment))
	}
	for _, n := range unwrap {
		p := n.Parent()
		for c := n.FirstChild(); c != nil; c = n.FirstChild() {
			n.RemoveChild(n, c)
			p.InsertBefore(p, n, c)
		}
		p.RemoveChild(p, n)
	}
	for _, n := range flatten {
		s := ast.NewString(n.Label(source))
		s.SetRaw(true)
		p := n.Parent()
		p.ReplaceChild(p, n, s)
	}
	return doc, handles
}

// allowedHref mirrors hrefPattern so that a refused link degrades to its
// text here instead of to an empty <a> after sanitising.
func allowedHref(dest []byte) bool {
	if siteRelative(dest) {
		return true
	}
	head := strings.ToLower(string(dest[:min(len(dest), len("https://x"))]))
	for _, scheme := range []string{"http://", "https://"} {
		if rest, ok := strings.CutPrefix(head, scheme); ok {
			// A host must follow, or bluemonday's normalisation leaves a
			// bare "https:" that points back at the current page.
			return rest != "" && rest[0] != '/' && rest[0] != '\\' && rest[0] > ' '
		}
	}
	return strings.HasPrefix(head, "mailto:")
}

// siteRelative reports whether dest is a path on this site. Protocol-relative
// "//host" and "/\host" (which browsers treat alike) are off-site.
func siteRelative(dest []byte) bool {
	if len(dest) == 0 || dest[0] != '/' {
		return false
	}
	return len(dest) == 1 || (dest[1] != '/' && dest[1] != '\\' && dest[1] > ' ')
}
