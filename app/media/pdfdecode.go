package media

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"io"
)

// The stream filters the token scan undoes itself: Flate (through
// compress/zlib), ASCIIHex and ASCII85, chained as a stream names them.

// decodeChain returns a reader of the stream body decoded through its
// filters, reusing *zr for Flate.
func decodeChain(body []byte, info streamInfo, zr *io.ReadCloser) (io.Reader, error) {
	if len(info.filters) == 0 {
		// /Filter names something indirect or unknown.
		return nil, uncheckable("a stream's encoding is not stated plainly")
	}
	var r io.Reader = bytes.NewReader(body)
	reused := false
	for _, f := range info.filters {
		switch decodableFilters[f] {
		case "Fl":
			var fr io.ReadCloser
			var err error
			switch {
			case *zr != nil && !reused: // the first Flate of a chain reuses the window
				reused, fr = true, *zr
				err = fr.(zlib.Resetter).Reset(r, nil)
			case *zr == nil:
				fr, err = zlib.NewReader(r)
				*zr, reused = fr, true
			default:
				fr, err = zlib.NewReader(r)
			}
			if err != nil {
				return nil, uncheckable("a compressed stream is damaged or encrypted")
			}
			r = fr
		case "AHx":
			r = &hexReader{r: bufio.NewReader(r)}
		case "A85":
			r = ascii85.NewDecoder(&untilReader{r: bufio.NewReader(r), end: '~'})
		default:
			return nil, uncheckable("a stream uses an encoding that cannot be checked (" + f + ")")
		}
	}
	return r, nil
}

// hexReader decodes ASCIIHexDecode data up to its '>' end marker.
type hexReader struct {
	r    *bufio.Reader
	done bool
}

func (h *hexReader) Read(p []byte) (int, error) {
	n := 0
	hi := -1
	for n < len(p) && !h.done {
		c, err := h.r.ReadByte()
		if err != nil {
			h.done = true
			break
		}
		var v int
		switch {
		case c == '>':
			h.done = true
			continue
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		case isPDFSpace(c):
			continue
		default:
			return n, errors.New("ASCIIHex: bad digit")
		}
		if hi < 0 {
			hi = v
			continue
		}
		p[n] = byte(hi<<4 | v)
		n++
		hi = -1
	}
	if hi >= 0 { // an odd last digit counts as followed by 0
		p[n] = byte(hi << 4)
		n++
	}
	if n == 0 && h.done {
		return 0, io.EOF
	}
	return n, nil
}

// untilReader passes bytes up to end (the "~>" that closes ASCII85 data).
type untilReader struct {
	r    *bufio.Reader
	end  byte
	done bool
}

func (u *untilReader) Read(p []byte) (int, error) {
	if u.done {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		c, err := u.r.ReadByte()
		if err != nil || c == u.end {
			u.done = true
			break
		}
		p[n] = c
		n++
	}
	return n, nil
}
