// Package static embeds the stylesheet, icons and scripts served under /static/.
package static

import "embed"

// FS holds every static asset.
//
//go:embed css img js
var FS embed.FS
