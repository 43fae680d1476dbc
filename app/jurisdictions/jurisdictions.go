// Package jurisdictions lists the US states, DC and territories that license
// physicians, by their two-letter postal code: for licenses and profiles.
package jurisdictions

// List holds the jurisdictions that license physicians in the US: the
// states, DC and the territories, by their two-letter postal code.
var List = []Jurisdiction{
	{"AL", "Alabama"}, {"AK", "Alaska"}, {"AS", "American Samoa"},
	{"AZ", "Arizona"}, {"AR", "Arkansas"}, {"CA", "California"},
	{"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"},
	{"DC", "District of Columbia"}, {"FL", "Florida"}, {"GA", "Georgia"},
	{"GU", "Guam"}, {"HI", "Hawaii"}, {"ID", "Idaho"},
	{"IL", "Illinois"}, {"IN", "Indiana"}, {"IA", "Iowa"},
	{"KS", "Kansas"}, {"KY", "Kentucky"}, {"LA", "Louisiana"},
	{"ME", "Maine"}, {"MD", "Maryland"}, {"MA", "Massachusetts"},
	{"MI", "Michigan"}, {"MN", "Minnesota"}, {"MS", "Mississippi"},
	{"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"},
	{"NV", "Nevada"}, {"NH", "New Hampshire"}, {"NJ", "New Jersey"},
	{"NM", "New Mexico"}, {"NY", "New York"}, {"NC", "North Carolina"},
	{"ND", "North Dakota"}, {"MP", "Northern Mariana Islands"}, {"OH", "Ohio"},
	{"OK", "Oklahoma"}, {"OR", "Oregon"}, {"PA", "Pennsylvania"},
	{"PR", "Puerto Rico"}, {"RI", "Rhode Island"}, {"SC", "South Carolina"},
	{"SD", "South Dakota"}, {"TN", "Tennessee"}, {"TX", "Texas"},
	{"VI", "U.S. Virgin Islands"}, {"UT", "Utah"}, {"VT", "Vermont"},
	{"VA", "Virginia"}, {"WA", "Washington"}, {"WV", "West Virginia"},
	{"WI", "Wisconsin"}, {"WY", "Wyoming"},
}

// Jurisdiction is a licensing state or territory.
type Jurisdiction struct{ Code, Name string }

// Valid reports whether code is one of List.
func Valid(code string) bool {
	for _, s := range List {
		if s.Code == code {
			return true
		}
	}
	return false
}
