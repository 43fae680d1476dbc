package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxHandleLen is the longest handle that counts as a mention.
const maxHandleLen = 40

var kindMention = ast.NewNodeKind("Mention")

// mentionNode is an @handle found in running text.
type mentionNode struct {
	ast.BaseInline
	handle  string       // as written, without the @
	segment text.Segment // covers "@handle", for demoting back to text
}

func (n *mentionNode) Kind() ast.NodeKind { return kindMention }

func (n *mentionNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Handle": n.handle}, nil)
}

// mentionExtension wires the mention parser and renderer into goldmark.
// Being an inline parser (not a pass over the HTML) is what keeps code
// spans, code blocks, autolinks and link destinations untouched: goldmark
// consumes those before '@' is ever offered to us.
type mentionExtension struct{}

func (mentionExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(mentionParser{}, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mentionRenderer{}, 500)))
}

type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if !mentionBoundary(block.PrecendingCharacter()) {
		return nil
	}
	line, seg := block.PeekLine()
	n := handleLen(line[1:])
	if n == 0 {
		return nil
	}
	block.Advance(1 + n)
	return &mentionNode{
		handle:  string(line[1 : 1+n]),
		segment: text.NewSegment(seg.Start, seg.Start+1+n),
	}
}

// mentionBoundary reports whether an @ after r may start a mention; the
// excluded characters are those that make it part of an address or word.
func mentionBoundary(r rune) bool {
	switch r {
	case '_', '.', '-', '@':
		return false
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func isHandleByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// handleLen returns the length of the handle at the start of b, or 0 if
// there is none. A run that is too long or runs on into another word
// character or '@' is refused whole rather than truncated, so that
// "@name@host" and over-long names never notify a different user.
func handleLen(b []byte) int {
	n := 0
	for n < len(b) && n <= maxHandleLen && isHandleByte(b[n]) {
		n++
	}
	if n == 0 || n > maxHandleLen {
		return 0
	}
	if n < len(b) {
		if b[n] == '@' {
			return 0
		}
		if r, _ := utf8.DecodeRune(b[n:]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return 0
		}
	}
	return n
}

type mentionRenderer struct{}

func (mentionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, renderMention)
}

func renderMention(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*mentionNode)
	// Handles are [A-Za-z0-9_-] only, so they need no HTML escaping.
	_, _ = w.WriteString(`<a href="/u/`)
	_, _ = w.WriteString(strings.ToLower(n.handle))
	_, _ = w.WriteString(`" class="mention" rel="` + linkRel + `">@`)
	_, _ = w.WriteString(n.handle)
	_, _ = w.WriteString(`</a>`)
	return ast.WalkContinue, nil
}
