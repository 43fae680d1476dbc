package verification

import "strings"

// DocInfo is the Federation of State Medical Boards' public lookup, which
// covers every state: the link for states whose own lookup is not listed.
const DocInfo = "https://www.docinfo.org/"

// boardLookups are state medical boards' public license lookups that are
// known; any other state links to DocInfo rather than to a guessed address.
var boardLookups = map[string]string{
	"CA": "https://search.dca.ca.gov/",
	"FL": "https://mqa-internet.doh.state.fl.us/MQASearchServices/HealthCareProviders",
	"NY": "https://www.op.nysed.gov/verification-search",
	"TX": "https://profile.tmb.state.tx.us/",
}

// BoardLookup is where a moderator looks a license of state up by hand.
type BoardLookup struct {
	URL   string
	Label string
}

// boardLookup gives the public license lookup for state.
func boardLookup(state string) BoardLookup {
	state = strings.ToUpper(strings.TrimSpace(state))
	if u, ok := boardLookups[state]; ok {
		return BoardLookup{URL: u, Label: state + " medical board's license lookup"}
	}
	return BoardLookup{URL: DocInfo, Label: "FSMB DocInfo lookup (covers " + state + ")"}
}
