package db

import "strings"

// likeEscaper escapes what LIKE and ILIKE treat as wildcards (and their
// escape character), so text a member typed matches only itself.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LikeLiteral is s as a LIKE pattern that matches s alone; callers add their
// own % around it.
func LikeLiteral(s string) string { return likeEscaper.Replace(s) }
