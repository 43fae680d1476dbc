package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// goldmark has a few quadratic paths (deep container nesting on one line,
// emphasis delimiter matching, unterminated link destinations). These caps
// are far above anything a person writes and turn 100 KB of hostile input
// from tens of seconds into milliseconds; past a cap the syntax is simply
// rendered as literal text.
const (
	// maxContainerDepth bounds nested blockquotes and lists; each list level
	// counts twice (list and item). The HTML parsers in browsers and
	// x/net/html give up at 512 open elements, so this also keeps the
	// output tree parseable.
	maxContainerDepth = 32
	// maxDelimiters bounds emphasis and strikethrough delimiter characters
	// per block: matching them is quadratic in goldmark, and every two can
	// add a level of <em>/<strong>/<del> nesting.
	maxDelimiters = 400
	// maxLinkCloses bounds "]" handled per block; each walks the nodes
	// after its "[" looking for nested links.
	maxLinkCloses = 256
	// maxInlineLinks bounds "](" handled per block; each may also scan the
	// rest of the line for a link destination.
	maxInlineLinks = 64
	// maxEscapedPipes bounds the "\|" that goldmark rewrites inside table
	// code spans; that pass is quadratic in their number across the document.
	maxEscapedPipes = 500
	// maxTableCells bounds rows times columns of one table, because goldmark
	// pads short rows: a wide header over many "|" lines would otherwise
	// turn a few KB of input into hundreds of MB of <td>.
	maxTableCells = 10000
)

// depthLimited refuses to open a container block nested too deeply.
type depthLimited struct{ parser.BlockParser }

func (d depthLimited) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, pos := reader.Position()
	// Delegate first so the wrapped parser's context bookkeeping still runs,
	// then undo the open if it would go too deep.
	node, state := d.BlockParser.Open(parent, reader, pc)
	if node != nil && containerDepth(parent) >= maxContainerDepth {
		reader.SetPosition(line, pos)
		return nil, parser.NoChildren
	}
	return node, state
}

func containerDepth(n ast.Node) int {
	depth := 0
	for ; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList, ast.KindListItem:
			depth++
		}
	}
	return depth
}

// inlineBudget counts expensive inline constructs in the current block.
type inlineBudget struct{ delimiters, linkCloses, inlineLinks int }

var budgetKey = parser.NewContextKey()

func budget(pc parser.Context) *inlineBudget {
	if b, ok := pc.Get(budgetKey).(*inlineBudget); ok {
		return b
	}
	b := &inlineBudget{}
	pc.Set(budgetKey, b)
	return b
}

// delimiterLimited stops feeding delimiters to goldmark past maxDelimiters.
// It also consumes each run whole: goldmark otherwise retries at every
// character of a run it rejected, which is quadratic in the run length.
type delimiterLimited struct{ parser.InlineParser }

func (l delimiterLimited) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	run := 1
	for run < len(line) && line[run] == line[0] {
		run++
	}
	b := budget(pc)
	if b.delimiters+run <= maxDelimiters {
		if n := l.InlineParser.Parse(parent, block, pc); n != nil {
			b.delimiters += run
			return n
		}
	}
	block.Advance(run)
	return ast.NewTextSegment(seg.WithStop(seg.Start + run))
}

func (l delimiterLimited) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	budget(pc).delimiters = 0
	if cb, ok := l.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

// linkLimited stops trying to close links past maxLinkCloses or
// maxInlineLinks; the "]" is then literal text.
type linkLimited struct{ parser.InlineParser }

func (l linkLimited) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if line, _ := block.PeekLine(); len(line) > 0 && line[0] == ']' {
		b := budget(pc)
		inline := len(line) > 1 && line[1] == '('
		if b.linkCloses >= maxLinkCloses || (inline && b.inlineLinks >= maxInlineLinks) {
			return nil
		}
		b.linkCloses++
		if inline {
			b.inlineLinks++
		}
	}
	return l.InlineParser.Parse(parent, block, pc)
}

func (l linkLimited) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	b := budget(pc)
	b.linkCloses, b.inlineLinks = 0, 0
	if cb, ok := l.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

// tableLimited leaves oversized tables as paragraphs. Its estimate (lines
// times the widest row) is an upper bound, so it never lets a large one by.
type tableLimited struct{ parser.ParagraphTransformer }

func (t tableLimited) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	source := reader.Source()
	widest := 0
	for i := range lines.Len() {
		seg := lines.At(i)
		widest = max(widest, bytes.Count(source[seg.Start:seg.Stop], []byte{'|'})+1)
	}
	if lines.Len()*widest > maxTableCells {
		return
	}
	t.ParagraphTransformer.Transform(node, reader, pc)
}

// pipeEscapesLimited skips goldmark's "\|"-in-code-span fix-up when there
// are too many; the cost is a stray backslash in code inside table cells.
type pipeEscapesLimited struct{ parser.ASTTransformer }

func (p pipeEscapesLimited) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	if bytes.Count(reader.Source(), []byte(`\|`)) > maxEscapedPipes {
		return
	}
	p.ASTTransformer.Transform(doc, reader, pc)
}
