// Package templates embeds the page templates.
package templates

import "embed"

// FS holds the layout, the partials and one template per page.
//
//go:embed layout.html partials pages
var FS embed.FS
