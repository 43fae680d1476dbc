package markdown

import (
	"strings"
	"testing"
)

// hostileInputs doubles as the fuzz seed corpus.
var hostileInputs = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`[x](javascript:alert(1))`,
	`[x](JAVASCRIPT:alert(1))`,
	`[x](java&#x09;script:alert(1))`,
	`[x](java&#9;script:alert(1))`,
	`[x](&#106;avascript:alert(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD4=)`,
	`[x](vbscript:msgbox)`,
	`![x](javascript:alert(1))`,
	`![x](data:image/png;base64,iVBORw0KGgo=)`,
	`<svg onload=alert(1)>`,
	`<iframe src=//evil>`,
	`<a href="javascript:x">x</a>`,
	`<style>body{display:none}</style>`,
	`<form action=//evil><button formaction=javascript:x>go</button></form>`,
	`<object data=//evil></object>`,
	`<embed src=//evil>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`[a](<javascript:alert(1)>)`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&#60;script&#62;alert(1)&#60;/script&#62;`,
	`<javascript:alert(1)>`,
	`<JaVaScRiPt:alert(1)>`,
	"[x][evil]\n\n[evil]: javascript:alert(1)",
	"[evil]\n\n[evil]: <javascript:alert(1)> \"t\"",
	`<details open ontoggle=alert(1)>`,
	`[x](//evil.example/)`,
	`[x](/\evil.example/)`,
	`![x](//evil.example/p.png)`,
	`![x](https://evil.example/p.png)`,
	`[x](https://ok.example "a\" onmouseover=\"alert(1)")`,
	`![x" onerror="alert(1)](/static/x.png)`,
	"<!-- <script>alert(1)</script> -->",
	"<div>\n<script>alert(1)</script>\n</div>",
	"```html\n<script>alert(1)</script>\n```",
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	"[@ana](javascript:alert(1))",
	"@ana\" onclick=\"alert(1)",
	"| <img src=x onerror=alert(1)> |\n|---|\n| x |",
}

func TestHostileInputIsInert(t *testing.T) {
	t.Parallel()
	for _, in := range hostileInputs {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			out := Render(in).HTML
			if err := checkInert(out); err != nil {
				t.Fatalf("Render(%q) = %q: %v", in, out, err)
			}
			// checkInert already rejects these; spelling them out keeps the
			// test meaningful even if the allowlist there is loosened.
			low := strings.ToLower(out)
			for _, bad := range []string{"<script", "<svg", "<iframe", "<style", "<form", "<object", "<embed", "<details", "<math", "<noscript", "<button"} {
				if strings.Contains(low, bad) {
					t.Errorf("Render(%q) = %q contains %q", in, out, bad)
				}
			}
		})
	}
}

func TestUnsafeLinksBecomeText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`[x](javascript:alert(1))`, "<p>x</p>\n"},
		{`[x](JAVASCRIPT:alert(1))`, "<p>x</p>\n"},
		{`[x](vbscript:msgbox)`, "<p>x</p>\n"},
		{`[x](data:text/html;base64,PHNjcmlwdD4=)`, "<p>x</p>\n"},
		{`<javascript:alert(1)>`, "<p>javascript:alert(1)</p>\n"},
		{"[x][r]\n\n[r]: javascript:alert(1)", "<p>x</p>\n"},
		{`[x](//evil.example/)`, "<p>x</p>\n"},
		{`<script>alert(1)</script>`, "\n"},
		{`a <b>bold</b> c`, "<p>a bold c</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Render(tt.in).HTML; got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
