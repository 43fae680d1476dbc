package media

import (
	"bytes"
	"encoding/binary"
)

// walkJPEG calls visit with each marker segment of a JPEG's header, up to
// the first scan, until visit returns false. Like Go's decoder (and
// libjpeg) it skips stray bytes between segments, so it sees the same
// segments the decoder will act on. Malformed lengths end the walk quietly:
// callers want what the header reliably says, and the decoder is the judge
// of whether the file is broken.
func walkJPEG(data []byte, visit func(marker byte, payload []byte) bool) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			i++
			continue
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x00 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // stray bytes and restart markers carry no length
			continue
		case marker == 0xDA || marker == 0xD9:
			// Header segments precede the first scan; past it lies
			// entropy-coded data that is not worth walking.
			return
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return
		}
		if !visit(marker, data[i+4:i+2+n]) {
			return
		}
		i += 2 + n
	}
}

// jpegFrame is what a JPEG's frame header says about the buffers Go's
// decoder will allocate.
type jpegFrame struct {
	width, height int
	progressive   bool
	// sampling holds each component's horizontal and vertical factors.
	sampling [][2]int
	// jfif records an APP0 JFIF segment, which makes the decoder treat
	// three components as YCbCr whatever else the file claims.
	jfif bool
	// rgbIDs records components named 'R', 'G', 'B'.
	rgbIDs bool
}

// parseJPEGFrame reads the first SOF segment (baseline, extended or
// progressive: the ones Go decodes) and the JFIF marker before it.
func parseJPEGFrame(data []byte) (f jpegFrame, ok bool) {
	walkJPEG(data, func(marker byte, p []byte) bool {
		switch marker {
		case 0xE0:
			if bytes.HasPrefix(p, []byte("JFIF\x00")) {
				f.jfif = true
			}
		case 0xC0, 0xC1, 0xC2:
			if len(p) < 6 {
				return false
			}
			n := int(p[5])
			if n != 1 && n != 3 && n != 4 || len(p) < 6+3*n {
				return false
			}
			f.height = int(binary.BigEndian.Uint16(p[1:]))
			f.width = int(binary.BigEndian.Uint16(p[3:]))
			f.progressive = marker == 0xC2
			for c := range n {
				hv := p[7+3*c]
				f.sampling = append(f.sampling, [2]int{max(int(hv>>4), 1), max(int(hv&0x0F), 1)})
			}
			if n == 1 {
				// Go decodes a single component as if unsampled.
				f.sampling[0] = [2]int{1, 1}
			}
			f.rgbIDs = n == 3 && p[6] == 'R' && p[9] == 'G' && p[12] == 'B'
			ok = true
			return false
		}
		return true
	})
	return f, ok
}

// jpegDecodeBytes estimates the pixel memory Go's JPEG decoder allocates
// for data, whose header said w×h: one byte per sample of every component
// (padded to whole blocks), a further four per sample for a progressive
// file, which keeps every DCT coefficient as an int32 between scans, and a
// four-byte-per-pixel image for CMYK and RGB files, which are converted
// after decoding. It errs high when the header is unclear.
func jpegDecodeBytes(data []byte, w, h int) int64 {
	f, ok := parseJPEGFrame(data)
	if !ok || f.width != w || f.height != h {
		// Four unsampled progressive components converted to CMYK: the
		// most any JPEG Go decodes can cost per pixel.
		return 24 * int64(w+31) * int64(h+31)
	}
	h0, v0 := f.sampling[0][0], f.sampling[0][1]
	mxx := int64((w + 8*h0 - 1) / (8 * h0))
	myy := int64((h + 8*v0 - 1) / (8 * v0))
	var samples int64
	for _, s := range f.sampling {
		samples += 64 * int64(s[0]*s[1]) * mxx * myy
	}
	total := samples
	if f.progressive {
		total += 4 * samples
	}
	// An Adobe APP14 segment can turn three components into RGB, and Go
	// honours one met anywhere before the end; 0xFF 0xEE cannot occur in
	// entropy-coded data, so its mere presence is a safe over-estimate.
	adobe := bytes.Contains(data, []byte{0xFF, 0xEE})
	if n := len(f.sampling); n == 4 || n == 3 && !f.jfif && (f.rgbIDs || adobe) {
		total += 4 * int64(w) * int64(h)
	}
	return total
}
