package verification_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"testing"

	"curbside/app/verification/registry"
	"curbside/app/web/webtest"
)

// A valid NPI whose registry record the tests insert, and one that is valid but absent.
const (
	knownNPI   = "1482039579"
	unknownNPI = "1234567893"
)

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// pdfFor is a PDF of the account's own: two accounts sending the same file
// are shown to the moderator as a warning.
func pdfFor(userID int64) []byte {
	return fmt.Appendf(append([]byte{}, pdfBytes...), "%% account %d\n", userID)
}

func application(npi string) url.Values {
	return url.Values{"full_name": {"Maya L. Chen"}, "npi": {npi}, "license_state": {"CA"},
		"license_number": {"A123456"}, "specialty": {"cardiology"}}
}

func license(data []byte, name string) webtest.File {
	return webtest.File{Field: "document", Name: name, Data: data}
}

func addRegistryRecord(t *testing.T, app *webtest.App) {
	t.Helper()
	one := registry.EntityIndividual
	rec := registry.Record{NPI: knownNPI, EntityType: &one, FirstName: "MAYA", MiddleName: "L", LastName: "CHEN",
		Licenses: []registry.License{{TaxonomyCode: "207RC0000X", LicenseNumber: "A123456", LicenseState: "CA", Primary: true}}}
	if err := app.DB.Create(&rec).Error; err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, app *webtest.App, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := app.DB.Raw(query, args...).Row().Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
