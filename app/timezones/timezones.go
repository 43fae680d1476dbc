// Package timezones is the time zones a member may choose for the times on
// their pages: the zones of the United States and its territories, where
// Curbside's physicians practise, and UTC. The zone database is embedded,
// so a server without /usr/share/zoneinfo shows the same times.
package timezones

import (
	"time"
	_ "time/tzdata" // the zones must not depend on the host's files
)

// Zone is a choosable zone: its IANA name and how a member knows it.
type Zone struct{ Name, Label string }

// List is the zones offered, east to west, then UTC. A member who chose
// none sees UTC, said as such on every time.
var List = []Zone{
	{"America/Puerto_Rico", "Atlantic (Puerto Rico, U.S. Virgin Islands)"},
	{"America/New_York", "Eastern"},
	{"America/Chicago", "Central"},
	{"America/Denver", "Mountain"},
	{"America/Phoenix", "Mountain, no daylight saving (Arizona)"},
	{"America/Los_Angeles", "Pacific"},
	{"America/Anchorage", "Alaska"},
	{"America/Adak", "Hawaii–Aleutian (Aleutian Islands)"},
	{"Pacific/Honolulu", "Hawaii"},
	{"Pacific/Pago_Pago", "Samoa (American Samoa)"},
	{"Pacific/Guam", "Chamorro (Guam, Northern Mariana Islands)"},
	{"UTC", "UTC"},
}

var locations = func() map[string]*time.Location {
	m := make(map[string]*time.Location, len(List))
	for _, z := range List {
		loc, err := time.LoadLocation(z.Name)
		if err != nil {
			panic("timezones: " + err.Error()) // the embedded database lacks a listed zone
		}
		m[z.Name] = loc
	}
	return m
}()

// Valid reports whether name is one of the zones offered ("" is: no choice).
func Valid(name string) bool {
	_, ok := locations[name]
	return ok || name == ""
}

// Location is the zone named, or UTC for "" and for a name not offered
// (one stored before the list changed).
func Location(name string) *time.Location {
	if loc, ok := locations[name]; ok {
		return loc
	}
	return time.UTC
}
