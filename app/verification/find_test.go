package verification_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/verification/registry"
	"curbside/app/web/webtest"
)

// registryPeople are the registry rows the search tests look through.
func registryPeople(t *testing.T, app *webtest.App) {
	t.Helper()
	one, two := registry.EntityIndividual, registry.EntityOrganization
	gone := time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)
	lic := func(state, number, code string, primary bool) registry.License {
		return registry.License{TaxonomyCode: code, LicenseNumber: number, LicenseState: state, Primary: primary}
	}
	for _, rec := range []registry.Record{
		{NPI: knownNPI, EntityType: &one, FirstName: "MAYA", MiddleName: "L", LastName: "CHEN", Credential: "MD",
			PracticeCity: "OAKLAND", PracticeState: "CA",
			Licenses: []registry.License{lic("NV", "NV-77", "207R00000X", true), lic("CA", "A123456", "207RC0000X", false)}},
		{NPI: "1003000126", EntityType: &one, FirstName: "DAVID", LastName: "CHENG", PracticeCity: "FRESNO", PracticeState: "CA",
			Licenses: []registry.License{lic("CA", "G55555", "207RG0100X", true)}},
		{NPI: "1003000167", EntityType: &one, FirstName: "PAT", LastName: "CHENARD", PracticeState: "CA",
			Licenses: []registry.License{lic("CA", "C1", "207RC0200X", true)}},
		{NPI: "1003000134", EntityType: &one, FirstName: "ANNA", LastName: "CHEN", PracticeState: "NY",
			Licenses: []registry.License{lic("NY", "300100", "207RC0000X", true)}},
		{NPI: "1003000142", EntityType: &two, OrganizationName: "CHEN CLINIC", LastName: "CHENOWETH", PracticeState: "CA"},
		{NPI: "1003000159", EntityType: &one, FirstName: "OLD", LastName: "CHENEY", PracticeState: "CA", DeactivationDate: &gone},
		{NPI: "1003000175", EntityType: &one, FirstName: "SEAN", LastName: "O'BRIEN", PracticeState: "CA",
			Licenses: []registry.License{lic("CA", "G777", "207Q00000X", true)}},
		{NPI: "1003000183", EntityType: &one, FirstName: "ANNA", LastName: "SMITH-JONES", PracticeState: "CA",
			Licenses: []registry.License{lic("CA", "G778", "207Q00000X", true)}},
		{NPI: "1003000191", EntityType: &one, FirstName: "MARIA", LastName: "DE LA CRUZ", PracticeState: "CA",
			Licenses: []registry.License{lic("CA", "G779", "207Q00000X", true)}},
	} {
		if rec.Licenses == nil {
			rec.Licenses = []registry.License{}
		}
		if err := app.DB.Create(&rec).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func findPath(name, state string) string {
	return "/verification?" + url.Values{"find_name": {name}, "find_state": {state}}.Encode()
}

func TestFindYourselfFillsTheForm(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	registryPeople(t, app)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")

	// The search form is on the page, and works without script.
	c.Get("/verification").Expect(http.StatusOK).Contains(`name="find_name"`, `name="find_state"`, `method="get"`)

	// Active individuals practising in the state, whose names start so.
	res := c.Get(findPath("chen", "CA")).Expect(http.StatusOK)
	// Each with the license of that state and the specialty its taxonomy code maps to.
	res.Contains("MAYA L CHEN</strong>, MD · OAKLAND, CA", "NPI "+knownNPI+" · License A123456 (CA) · Cardiology</p>",
		"DAVID CHENG", "NPI 1003000126 · License G55555 (CA) · Gastroenterology</p>",
		"PAT CHENARD", "NPI 1003000167 · License C1 (CA) · Pulmonology</p>", "3 entries found",
		`href="/verification?find_name=chen&amp;find_state=CA&amp;use=`+knownNPI+`#verification-form"`)
	res.Lacks("ANNA", "CHEN CLINIC", "CHENOWETH", "CHENEY")
	// First and last name, either way round, narrow it.
	c.Get(findPath("Dr. Maya Chen", "CA")).Expect(http.StatusOK).Contains("MAYA L CHEN", "1 entry found").Lacks("DAVID CHENG")
	c.Get(findPath("chen maya", "CA")).Expect(http.StatusOK).Contains("MAYA L CHEN").Lacks("DAVID CHENG")
	c.Get(findPath("Zhou", "CA")).Expect(http.StatusOK).Contains("No active individual by that name")
	// An apostrophe, typed straight or curly, is part of the name the registry writes.
	c.Get(findPath("Sean O’Brien", "CA")).Expect(http.StatusOK).Contains("SEAN O&#39;BRIEN", "1 entry found")
	// So are a hyphen and a surname of several words, typed in full.
	c.Get(findPath("Anna Smith-Jones", "CA")).Expect(http.StatusOK).Contains("ANNA SMITH-JONES", "1 entry found")
	c.Get(findPath("Maria De La Cruz", "CA")).Expect(http.StatusOK).Contains("MARIA DE LA CRUZ", "1 entry found")

	// Choosing an entry fills the form's fields, the license of the state chosen.
	res = c.Get(findPath("chen", "CA") + "&use=" + knownNPI).Expect(http.StatusOK)
	res.Contains("Filled in from the registry entry of NPI "+knownNPI, `value="MAYA L CHEN"`, `value="`+knownNPI+`"`,
		`value="A123456"`, `<option value="CA" selected>`, `<option value="cardiology" selected>`)
	// An NPI that is no active individual fills nothing.
	c.Get(findPath("chen", "CA") + "&use=1003000142").Expect(http.StatusUnprocessableEntity).
		Contains("no longer an active individual").Lacks(`value="1003000142"`)

	// It is still a request for a moderator to review: submitting what was filled in.
	form := url.Values{"full_name": {"MAYA L CHEN"}, "npi": {knownNPI}, "license_state": {"CA"}, "license_number": {"A123456"},
		"specialty": {"cardiology"}}
	c.PostMultipart("/verification", form, license(pngBytes(t), "l.png")).RedirectsTo("/verification")
	if st := testdb.Scalar[string](t, app.DB, "SELECT status FROM verification_requests WHERE user_id = ?", acct.ID); st != "pending" {
		t.Fatalf("request %s, want pending", st)
	}
	// A pending member no longer sees the search, nor its results.
	c.Get(findPath("chen", "CA")).Expect(http.StatusOK).Lacks(`name="find_name"`, "DAVID CHENG")
}

func TestFindYourselfNeedsANameAndAState(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	registryPeople(t, app)
	c, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	c.Get(findPath("ch", "CA")).Expect(http.StatusUnprocessableEntity).
		Contains(`id="find_name-error"`, "at least 3 letters of your last name", `value="ch"`).Lacks("MAYA L CHEN")
	// Two short words are no better: each could be the last name.
	c.Get(findPath("Al Wu", "CA")).Expect(http.StatusUnprocessableEntity).Contains(`id="find_name-error"`)
	c.Get(findPath("chen", "ZZ")).Expect(http.StatusUnprocessableEntity).Contains(`id="find_state-error"`).Lacks("MAYA L CHEN")
	// Wildcards are letters like any other.
	c.Get(findPath("%%%", "CA")).Expect(http.StatusUnprocessableEntity).Lacks("MAYA L CHEN")
}

func TestRejectedMemberCanFindThemselves(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	registryPeople(t, app)
	c, acct := app.As(identity.StatusRejected, identity.RoleMember, "")
	id := testdb.PendingRequest(t, app.DB, acct.ID)
	testdb.Exec(t, app.DB, "UPDATE verification_requests SET status = 'rejected', reason = 'Wrong NPI', decided_at = now() WHERE id = ?", id)

	c.Get(findPath("cheng", "CA")).Expect(http.StatusOK).Contains("Not approved", "DAVID CHENG")
	// The registry's entry, not the rejected request, fills the form.
	c.Get(findPath("cheng", "CA")+"&use=1003000126").Expect(http.StatusOK).
		Contains(`value="DAVID CHENG"`, `value="G55555"`, `<option value="gastroenterology" selected>`).Lacks(`value="P. Ending"`)
}

// Verified members have nothing to look up.
func TestVerifiedMemberSeesNoSearch(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	registryPeople(t, app)
	c, _ := app.Verified("cardiology")
	c.Get(findPath("chen", "CA")).Expect(http.StatusOK).Lacks(`name="find_name"`, "MAYA L CHEN")
}
