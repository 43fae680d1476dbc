package media

import (
	"errors"
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Kind
		err  error
	}{
		{"pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", KindPDF, nil},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", KindPNG, nil},
		{"jpeg jfif", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", KindJPEG, nil},
		{"jpeg exif", "\xff\xd8\xff\xe1\x12\x34Exif\x00\x00", KindJPEG, nil},
		{"empty", "", "", ErrUnsupported},
		{"elf renamed to pdf", "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "", ErrUnsupported},
		{"windows pe renamed to pdf", "MZ\x90\x00\x03\x00\x00\x00\x04\x00", "", ErrUnsupported},
		{"gif", "GIF89a\x01\x00\x01\x00", "", ErrUnsupported},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "", ErrUnsupported},
		{"svg with xml prolog", `<?xml version="1.0"?><svg/>`, "", ErrUnsupported},
		{"html", "<!DOCTYPE html><html><body>", "", ErrUnsupported},
		{"pdf magic not at start", " %PDF-1.4", "", ErrUnsupported},
		{"lowercase pdf", "%pdf-1.4", "", ErrUnsupported},
		{"short pdf prefix", "%PDF", "", ErrUnsupported},
		{"short png prefix", "\x89PNG", "", ErrUnsupported},
		{"two jpeg bytes", "\xff\xd8", "", ErrUnsupported},
		{"zip", "PK\x03\x04", "", ErrUnsupported},
		{"webp lossy", "RIFF\x70\x00\x00\x00WEBPVP8 ", KindWebP, nil},
		{"webp extended", "RIFF\x9e\x00\x00\x00WEBPVP8X", KindWebP, nil},
		{"webp header only", "RIFF\x00\x00\x00\x00WEBP", KindWebP, nil},
		{"riff wave", "RIFF\x24\x00\x00\x00WAVEfmt ", "", ErrUnsupported},
		{"riff avi", "RIFF\x24\x00\x00\x00AVI LIST", "", ErrUnsupported},
		{"short webp prefix", "RIFF\x00\x00\x00\x00WEB", "", ErrUnsupported},
		{"lowercase webp", "RIFF\x00\x00\x00\x00webp", "", ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff([]byte(tt.head))
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("Sniff(%q) = %q, %v; want %q, %v", tt.head, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestSniffIgnoresNil(t *testing.T) {
	if _, err := Sniff(nil); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Sniff(nil) error = %v, want ErrUnsupported", err)
	}
}

func TestExtFor(t *testing.T) {
	tests := map[Kind]string{
		KindPDF:     ".pdf",
		KindPNG:     ".png",
		KindJPEG:    ".jpg",
		KindWebP:    "", // never stored: CleanImage turns it into JPEG or PNG
		"image/gif": "",
		"":          "",
	}
	for k, want := range tests {
		if got := ExtFor(k); got != want {
			t.Errorf("ExtFor(%q) = %q, want %q", k, got, want)
		}
	}
}
