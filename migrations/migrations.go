// Package migrations embeds the numbered SQL migrations applied by goose.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
