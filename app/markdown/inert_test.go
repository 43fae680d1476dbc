package markdown

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// allowedAttrs is the complete element and attribute vocabulary the output
// may use; anything else means a sanitiser gap.
var allowedAttrs = map[string]map[string]bool{
	"p": nil, "br": nil, "hr": nil, "em": nil, "strong": nil, "del": nil,
	"code": nil, "pre": nil, "blockquote": nil, "ul": nil, "li": nil,
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"table": nil, "thead": nil, "tbody": nil, "tr": nil,
	"ol":  {"start": true},
	"th":  {"align": true},
	"td":  {"align": true},
	"a":   {"href": true, "rel": true, "class": true, "title": true},
	"img": {"src": true, "alt": true, "title": true},
}

var (
	schemePattern = regexp.MustCompile(`^([a-z][a-z0-9+.-]*):`)
	urlIgnored    = strings.NewReplacer("\t", "", "\n", "", "\r", "")
)

// checkInert parses out the way a browser would and reports the first
// element, attribute or URL that could execute, load or navigate unsafely.
func checkInert(out string) error {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return fmt.Errorf("parse output: %w", err)
	}
	for _, n := range nodes {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

func checkNode(n *html.Node) error {
	switch n.Type {
	case html.TextNode:
	case html.ElementNode:
		if err := checkElement(n); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unexpected node type %d (%q)", n.Type, n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkNode(c); err != nil {
			return err
		}
	}
	return nil
}

func checkElement(n *html.Node) error {
	attrs, ok := allowedAttrs[n.Data]
	if !ok || n.Namespace != "" {
		return fmt.Errorf("element <%s> (namespace %q) not allowed", n.Data, n.Namespace)
	}
	var rel string
	var hasHref bool
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		switch {
		case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "formaction", key == "id":
			return fmt.Errorf("<%s> has forbidden attribute %s=%q", n.Data, a.Key, a.Val)
		case !attrs[key] || a.Namespace != "":
			return fmt.Errorf("<%s> has unexpected attribute %s=%q", n.Data, a.Key, a.Val)
		case key == "href":
			hasHref = true
			if !safeHref(a.Val) {
				return fmt.Errorf("<%s> has unsafe href %q", n.Data, a.Val)
			}
		case key == "src":
			if !sitePath(normaliseURL(a.Val)) {
				return fmt.Errorf("<%s> has off-site src %q", n.Data, a.Val)
			}
		case key == "class" && a.Val != "mention":
			return fmt.Errorf("<%s> has class %q", n.Data, a.Val)
		case key == "rel":
			rel = a.Val
		}
	}
	if n.Data == "a" && hasHref && rel != linkRel {
		return fmt.Errorf("<a> has rel %q, want %q", rel, linkRel)
	}
	return nil
}

// normaliseURL strips what browsers ignore in a URL (surrounding C0 and
// space, inner tab and newline) and lower-cases it for scheme matching.
func normaliseURL(v string) string {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = urlIgnored.Replace(v)
	return strings.ToLower(v)
}

// safeHref accepts an http, https or mailto scheme, or no scheme and a
// site path.
func safeHref(v string) bool {
	v = normaliseURL(v)
	if m := schemePattern.FindStringSubmatch(v); m != nil {
		return m[1] == "http" || m[1] == "https" || m[1] == "mailto"
	}
	return sitePath(v)
}

func sitePath(v string) bool {
	return strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") && !strings.HasPrefix(v, `/\`)
}
