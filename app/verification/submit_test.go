package verification_test

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func TestSubmitVerification(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	c.Get("/verification").Expect(http.StatusOK).Contains(`name="npi"`, `name="license_state"`, `name="document"`, `enctype="multipart/form-data"`)

	c.PostMultipart("/verification", application(knownNPI), license(pngBytes(t), "my license.png")).RedirectsTo("/verification")
	var status, npi, contentType, sha, filename string
	var size int
	row := app.DB.Raw(`SELECT r.status, r.npi, d.content_type, d.sha256, d.size_bytes, d.filename
		FROM verification_requests r JOIN documents d ON d.id = r.document_id WHERE r.user_id = ?`, acct.ID).Row()
	if err := row.Scan(&status, &npi, &contentType, &sha, &size, &filename); err != nil {
		t.Fatal(err)
	}
	if status != "pending" || npi != knownNPI || contentType != "image/png" || len(sha) != 64 || size == 0 || filename != "my_license.png" {
		t.Fatalf("stored %s %s %s %s %d %s", status, npi, contentType, sha, size, filename)
	}
	if n := count(t, app, "SELECT count(*) FROM users WHERE id = ? AND status = 'pending'", acct.ID); n != 1 {
		t.Fatal("account is not pending")
	}
	if n := count(t, app, "SELECT count(*) FROM audit_log WHERE action = 'verification.submitted' AND actor_id = ?", acct.ID); n != 1 {
		t.Fatal("submission not audited")
	}
	// The page shows what was sent, and links to the document.
	reqID := testdb.Scalar[int64](t, app.DB, "SELECT id FROM verification_requests WHERE user_id = ?", acct.ID)
	c.Get("/verification").Expect(http.StatusOK).Contains("Under review", knownNPI, "Cardiology", "Maya L. Chen", "A123456 (CA)",
		fmt.Sprintf(`href="/verification/requests/%d/document"`, reqID)).Lacks(`name="npi"`)
	// One open request per account.
	c.PostMultipart("/verification", application(knownNPI), license(pdfBytes, "again.pdf")).Expect(http.StatusConflict)
	if n := count(t, app, "SELECT count(*) FROM verification_requests"); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	// Still not clinical.
	c.Get("/cases").Expect(http.StatusForbidden).Contains("being reviewed")
}

func TestVerificationFieldErrors(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 200)...)
	cases := []struct {
		field, value, message string
		file                  webtest.File
	}{
		{"npi", "1234567890", "check digit", license(pdfBytes, "l.pdf")},
		{"npi", "123456789", "10 digits", license(pdfBytes, "l.pdf")},
		{"npi", "3234567893", "start with 1 or 2", license(pdfBytes, "l.pdf")},
		{"license_state", "XX", "Choose the state", license(pdfBytes, "l.pdf")},
		{"license_number", "", "Enter the license number", license(pdfBytes, "l.pdf")},
		{"specialty", "astrology", "Choose your specialty", license(pdfBytes, "l.pdf")},
		{"full_name", " ", "full legal name", license(pdfBytes, "l.pdf")},
		{"document", "", "not a PDF, PNG or JPEG", license(elf, "license.pdf")},
		{"document", "", "not a PDF, PNG or JPEG", license([]byte("GIF89a......"), "license.png")},
		{"document", "", "larger than 10 MiB", license(append(append([]byte{}, pdfBytes...), make([]byte, 10<<20)...), "big.pdf")},
		{"document", "", "damaged", license(pngBytes(t)[:60], "cut.png")},
	}
	for _, tc := range cases {
		form := application(knownNPI)
		if tc.field != "document" {
			form.Set(tc.field, tc.value)
		}
		res := c.PostMultipart("/verification", form, tc.file).Expect(http.StatusUnprocessableEntity)
		res.Contains(tc.message, `id="`+tc.field+`-error"`)
		if tc.field != "license_number" {
			res.Contains(`value="A123456"`) // the rest of the input is kept
		}
	}
	// No file at all.
	c.PostMultipart("/verification", application(knownNPI)).Expect(http.StatusUnprocessableEntity).Contains("Attach a copy")
	if n := count(t, app, "SELECT count(*) FROM verification_requests") + count(t, app, "SELECT count(*) FROM documents"); n != 0 {
		t.Fatalf("%d rows stored from invalid submissions", n)
	}
	if n := count(t, app, "SELECT count(*) FROM users WHERE id = ? AND status = 'unverified'", acct.ID); n != 1 {
		t.Fatal("status changed by an invalid submission")
	}
	// Without the CSRF token nothing happens either.
	form := application(knownNPI)
	form.Set("_csrf", "forged")
	c.PostMultipart("/verification", form, license(pdfBytes, "l.pdf")).Expect(http.StatusForbidden)
	if !strings.Contains(c.Get("/verification").Body, `name="npi"`) {
		t.Fatal("form gone")
	}
}

// A photo of a license loses its EXIF block (camera, GPS) before it is stored.
func TestUploadedPhotoIsStrippedOfMetadata(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x00\x00"), []byte("GPS-SECRET 48.8584N 2.2945E")...)
	segment := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	photo := append(append([]byte{0xFF, 0xD8}, segment...), buf.Bytes()[2:]...)

	c.PostMultipart("/verification", application(knownNPI), license(photo, "IMG_0042.JPG")).RedirectsTo("/verification")
	var data []byte
	var kind string
	if err := app.DB.Raw("SELECT data, content_type FROM documents WHERE owner_id = ?", acct.ID).Row().Scan(&data, &kind); err != nil {
		t.Fatal(err)
	}
	if kind != "image/jpeg" || bytes.Contains(data, []byte("GPS-SECRET")) || bytes.Contains(data, []byte("Exif")) {
		t.Fatalf("stored %s of %d bytes still holds metadata", kind, len(data))
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("stored image does not decode: %v", err)
	}
}

// A document over 10 MiB gets the form back with the message at the field.
func TestOversizeDocumentGetsTheForm(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	huge := append(append([]byte{}, pdfBytes...), make([]byte, 15<<20)...)
	c.PostMultipart("/verification", application(knownNPI), license(huge, "scan.pdf")).
		Expect(http.StatusUnprocessableEntity).Contains(`id="document-error"`, "larger than 10 MiB", `value="A123456"`)
	c.PostMultipart("/verification", application(knownNPI), license(make([]byte, 40<<20), "absurd.pdf")).
		Expect(http.StatusRequestEntityTooLarge)
}

// pixelBomb is a PNG header claiming more pixels than a document may have.
func pixelBomb() []byte {
	ihdr := []byte{'I', 'H', 'D', 'R', 0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10, 8, 2, 0, 0, 0}
	crc := crc32.ChecksumIEEE(ihdr)
	out := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	out = append(out, ihdr...)
	return append(out, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
}

// Documents that must be decoded count against a limit per account.
func TestSubmissionsAreLimited(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	for i := 0; i < 6; i++ {
		c.PostMultipart("/verification", application(knownNPI), license(pixelBomb(), "huge.png")).
			Expect(http.StatusUnprocessableEntity).Contains("too many pixels")
	}
	c.PostMultipart("/verification", application(knownNPI), license(pixelBomb(), "huge.png")).Expect(http.StatusTooManyRequests)
}
