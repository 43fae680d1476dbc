package files_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/db"
	"curbside/app/db/testdb"
	"curbside/app/files"
)

var errRollback = errors.New("roll back")

func ownerID(t *testing.T, tdb *testdb.DB) int64 {
	t.Helper()
	var id int64
	if err := tdb.Raw("INSERT INTO users (email, handle, display_name) VALUES ('o@x.org', 'o', 'O') RETURNING id").Row().Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A file and its variants are stored in the caller's transaction: rolled
// back with it, and deleted with the file.
func TestStoreKeepsFilesWithTheirVariants(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	store := files.NewStore(tdb.DB)
	owner := ownerID(t, tdb)
	ctx := t.Context()

	err := db.Tx(ctx, tdb.DB, func(ctx context.Context) error {
		if _, err := store.Put(ctx, files.New{OwnerID: owner, ContentType: "image/png", Filename: "x.png", Data: []byte("png")}); err != nil {
			t.Fatal(err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("the transaction ended with %v", err)
	}
	var n int64
	if err := tdb.Raw("SELECT count(*) FROM documents").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("a rolled-back file was kept: %d rows, %v", n, err)
	}

	info, err := store.Put(ctx, files.New{OwnerID: owner, ContentType: "image/jpeg", Filename: "scan.jpg", Data: []byte("full image")})
	if err != nil {
		t.Fatal(err)
	}
	w := 64
	if err := store.PutVariant(ctx, files.Variant{FileID: info.ID, Name: "thumb", ContentType: "image/jpeg", Width: &w, Data: []byte("thumb")}); err != nil {
		t.Fatal(err)
	}
	thumb, err := store.OpenVariant(ctx, info.ID, "thumb")
	if err != nil || string(thumb.Data) != "thumb" || thumb.Filename != "scan.jpg" || thumb.SizeBytes != 5 {
		t.Fatalf("variant: %+v, %v", thumb, err)
	}
	if _, err := store.OpenVariant(ctx, info.ID, "preview"); err == nil {
		t.Fatal("a variant that was never made was found")
	}
	if err := tdb.Exec("DELETE FROM documents WHERE id = ?", info.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := tdb.Raw("SELECT count(*) FROM file_variants").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("variants outlived their file: %d, %v", n, err)
	}
}

func serve(t *testing.T, f *files.File, how files.Serving, method string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	req := httptest.NewRequest(method, "/f", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	if err := files.Serve(e.NewContext(req, rec), f, how); err != nil {
		t.Fatal(err)
	}
	return rec
}

// Files go out inert: their own type, no sniffing, sandboxed, never framed
// by others, private caching, and HEAD and revalidation answered.
func TestServeHeaders(t *testing.T) {
	t.Parallel()
	img := &files.File{Info: files.Info{ID: 1, ContentType: "image/png", Filename: "photo.png", Sha256: "abc", SizeBytes: 4,
		CreatedAt: time.Now()}, Data: []byte("\x89PNG")}
	plain := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pdf := &files.File{Info: files.Info{ID: 2, ContentType: "application/pdf", Filename: "license.pdf", Sha256: "def",
		SizeBytes: len(plain), CreatedAt: time.Now()}, Data: plain}

	rec := serve(t, img, files.Serving{MaxAge: time.Hour}, http.MethodGet)
	h := rec.Header()
	if rec.Code != http.StatusOK || rec.Body.String() != "\x89PNG" || h.Get("Content-Type") != "image/png" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox;") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" ||
		h.Get("Cache-Control") != "private, max-age=3600, immutable" || !strings.HasPrefix(h.Get("Content-Disposition"), `inline; filename="photo.png"`) {
		t.Fatalf("image: %d %v", rec.Code, h)
	}

	rec = serve(t, pdf, files.Serving{Framed: true}, http.MethodGet)
	h = rec.Header()
	if strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'self'") ||
		h.Get("X-Frame-Options") != "SAMEORIGIN" || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("inline PDF in the moderator's frame: %v", h)
	}
	// Anywhere but in that frame, a PDF is a sandboxed download: its own
	// address opened in a tab, or a member's own copy.
	for _, tc := range []struct {
		how    files.Serving
		header []string
	}{
		{files.Serving{Framed: true}, []string{"Sec-Fetch-Dest", "document"}},
		{files.Serving{}, nil},
		{files.Serving{}, []string{"Sec-Fetch-Dest", "iframe"}},
	} {
		h := serve(t, pdf, tc.how, http.MethodGet, tc.header...).Header()
		if !strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="license.pdf"`) ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox;") {
			t.Fatalf("PDF %+v %v: %v", tc.how, tc.header, h)
		}
	}
	rec = serve(t, pdf, files.Serving{Framed: true}, http.MethodGet, "Sec-Fetch-Dest", "embed")
	if h := rec.Header(); !strings.HasPrefix(h.Get("Content-Disposition"), "inline;") || strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("PDF embedded in the moderator's page: %v", h)
	}
	// One stored before uploads were scanned, carrying script, is never shown inline.
	scripted := *pdf
	scripted.Data = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
	if h := serve(t, &scripted, files.Serving{Framed: true}, http.MethodGet, "Sec-Fetch-Dest", "iframe").Header(); !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox;") {
		t.Fatalf("a scripted PDF in the moderator's frame: %v", h)
	}
	rec = serve(t, pdf, files.Serving{Download: true}, http.MethodGet)
	if h := rec.Header(); !strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="license.pdf"`) ||
		!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox;") {
		t.Fatalf("download: %v", h)
	}

	rec = serve(t, img, files.Serving{}, http.MethodHead)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "4" {
		t.Fatalf("HEAD: %d, %d bytes, length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
	rec = serve(t, img, files.Serving{MaxAge: time.Hour}, http.MethodGet, "If-None-Match", `"abc"`)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("revalidation: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}
