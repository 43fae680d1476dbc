package verification

import "curbside/app/web/kit"

// licenseStates are the jurisdictions that license physicians in the US: the
// states, DC and the territories, by their two-letter postal code.
var licenseStates = []kit.Option{
	{Value: "AL", Label: "Alabama"}, {Value: "AK", Label: "Alaska"}, {Value: "AS", Label: "American Samoa"},
	{Value: "AZ", Label: "Arizona"}, {Value: "AR", Label: "Arkansas"}, {Value: "CA", Label: "California"},
	{Value: "CO", Label: "Colorado"}, {Value: "CT", Label: "Connecticut"}, {Value: "DE", Label: "Delaware"},
	{Value: "DC", Label: "District of Columbia"}, {Value: "FL", Label: "Florida"}, {Value: "GA", Label: "Georgia"},
	{Value: "GU", Label: "Guam"}, {Value: "HI", Label: "Hawaii"}, {Value: "ID", Label: "Idaho"},
	{Value: "IL", Label: "Illinois"}, {Value: "IN", Label: "Indiana"}, {Value: "IA", Label: "Iowa"},
	{Value: "KS", Label: "Kansas"}, {Value: "KY", Label: "Kentucky"}, {Value: "LA", Label: "Louisiana"},
	{Value: "ME", Label: "Maine"}, {Value: "MD", Label: "Maryland"}, {Value: "MA", Label: "Massachusetts"},
	{Value: "MI", Label: "Michigan"}, {Value: "MN", Label: "Minnesota"}, {Value: "MS", Label: "Mississippi"},
	{Value: "MO", Label: "Missouri"}, {Value: "MT", Label: "Montana"}, {Value: "NE", Label: "Nebraska"},
	{Value: "NV", Label: "Nevada"}, {Value: "NH", Label: "New Hampshire"}, {Value: "NJ", Label: "New Jersey"},
	{Value: "NM", Label: "New Mexico"}, {Value: "NY", Label: "New York"}, {Value: "NC", Label: "North Carolina"},
	{Value: "ND", Label: "North Dakota"}, {Value: "MP", Label: "Northern Mariana Islands"}, {Value: "OH", Label: "Ohio"},
	{Value: "OK", Label: "Oklahoma"}, {Value: "OR", Label: "Oregon"}, {Value: "PA", Label: "Pennsylvania"},
	{Value: "PR", Label: "Puerto Rico"}, {Value: "RI", Label: "Rhode Island"}, {Value: "SC", Label: "South Carolina"},
	{Value: "SD", Label: "South Dakota"}, {Value: "TN", Label: "Tennessee"}, {Value: "TX", Label: "Texas"},
	{Value: "VI", Label: "U.S. Virgin Islands"}, {Value: "UT", Label: "Utah"}, {Value: "VT", Label: "Vermont"},
	{Value: "VA", Label: "Virginia"}, {Value: "WA", Label: "Washington"}, {Value: "WV", Label: "West Virginia"},
	{Value: "WI", Label: "Wisconsin"}, {Value: "WY", Label: "Wyoming"},
}

// validState reports whether code is one of licenseStates.
func validState(code string) bool {
	for _, s := range licenseStates {
		if s.Value == code {
			return true
		}
	}
	return false
}
