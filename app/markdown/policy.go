package markdown

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

var (
	// hrefPattern admits http(s) links with a host, mailto links and site
	// paths.
	// Whitespace and backslash after the first slash are refused because
	// browsers strip or normalise them into a protocol-relative URL.
	hrefPattern = regexp.MustCompile(`^(?i:https?://[^/\\\s]|mailto:|/(?:[^/\\\s]|$))`)
	// srcPattern admits site paths only: the CSP blocks other images anyway,
	// and off-site images in posts would act as tracking pixels.
	srcPattern = regexp.MustCompile(`^/(?:[^/\\\s]|$)`)
)

// newPolicy is the second wall behind goldmark: it allows exactly the
// elements and attributes our goldmark configuration emits, nothing more.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote",
		"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "thead", "tbody", "tr", "th", "td",
	)
	p.AllowAttrs("href").Matching(hrefPattern).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow noopener noreferrer$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^mention$`)).OnElements("a")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("src").Matching(srcPattern).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(?:left|center|right)$`)).OnElements("th", "td")

	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}
