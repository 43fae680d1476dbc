package media

import (
	"image"

	"golang.org/x/image/draw"
)

// Thumbnails are made in two steps so their memory depends on the
// thumbnail's size, not the photo's. x/image/draw's kernels keep an
// intermediate of four float64s per (destination column × source row):
// scaling a 25-megapixel photo straight to 480 pixels would take about
// 77 MB, and a 1×25,000,000 strip 800 MB. So an image more than twice the
// thumbnail's size is first averaged over k×k blocks (a box filter, which
// cannot alias) down to at most twice the size, and only that is resampled
// with Catmull-Rom, for sharpness.

// stripPixels bounds the scratch image boxReduce draws the source into.
const stripPixels = 1 << 16

// thumbPlan is how a w×h image becomes a dw×dh thumbnail: averaged over
// k×k blocks to rw×rh (k is 1 when that step is skipped), then resampled.
type thumbPlan struct {
	w, h, k, rw, rh, dw, dh int
}

// planThumb sizes the thumbnail of a w×h image so its longer side is at
// most maxSide, keeping the aspect ratio and never enlarging.
func planThumb(w, h, maxSide int) thumbPlan {
	p := thumbPlan{w: w, h: h, k: 1, rw: w, rh: h, dw: w, dh: h}
	long := max(w, h)
	if long <= maxSide {
		return p
	}
	scale := func(s int) int {
		return max(1, int((2*int64(s)*int64(maxSide)+int64(long))/(2*int64(long))))
	}
	p.dw, p.dh = scale(w), scale(h)
	if long > 2*maxSide {
		p.k = (long + 2*maxSide - 1) / (2 * maxSide)
		p.rw, p.rh = (w+p.k-1)/p.k, (h+p.k-1)/p.k
	}
	return p
}

// resized reports whether the plan changes the image's size at all.
func (p thumbPlan) resized() bool { return p.dw != p.w || p.dh != p.h }

// stripWidth is how many source columns boxReduce draws at a time: whole
// blocks, as many as fit in stripPixels, and at least one.
func (p thumbPlan) stripWidth() int {
	cols := p.k
	if p.k <= stripPixels/p.k {
		cols = p.k * (stripPixels / (p.k * p.k))
	}
	return min(cols, p.w)
}

// bytes is the memory the plan needs besides the source image.
func (p thumbPlan) bytes() int64 {
	if !p.resized() {
		return 0
	}
	var n int64
	if p.k > 1 {
		n += 4 * int64(p.rw) * int64(p.rh)                                 // the reduced image
		n += 4*int64(p.stripWidth())*int64(min(p.k, p.h)) + 32*int64(p.rw) // strip, sums
	}
	n += 32 * int64(p.dw) * int64(p.rh) // the kernel's intermediate
	n += 4 * int64(p.dw) * int64(p.dh)  // the thumbnail
	return n
}

// thumbnail scales img down to fit maxSide and encodes it: as PNG if any
// pixel is transparent, else as JPEG.
func thumbnail(img image.Image, maxSide int) (Cleaned, error) {
	b := img.Bounds()
	p := planThumb(b.Dx(), b.Dy(), maxSide)
	out := img
	if p.resized() {
		src, sr := img, b
		if p.k > 1 {
			r := boxReduce(img, p)
			src, sr = r, r.Rect
		}
		dst := image.NewRGBA(image.Rect(0, 0, p.dw, p.dh))
		draw.CatmullRom.Scale(dst, dst.Rect, src, sr, draw.Src, nil)
		out = dst
	}
	kind := KindJPEG
	if !isOpaque(out) {
		kind = KindPNG
	}
	return encode(kind, out)
}

// boxReduce averages k×k blocks of src (blocks at the right and bottom
// edges may be smaller) into an rw×rh image. It works in premultiplied
// RGBA, where a plain average is correct: transparent pixels contribute
// nothing, instead of bleeding their hidden colour into the edges.
func boxReduce(src image.Image, p thumbPlan) *image.RGBA {
	b := src.Bounds()
	k := p.k
	dst := image.NewRGBA(image.Rect(0, 0, p.rw, p.rh))
	cols := p.stripWidth()
	strip := image.NewRGBA(image.Rect(0, 0, cols, min(k, p.h)))
	sums := make([]uint64, 4*p.rw)
	for ry := range p.rh {
		y0 := ry * k
		rows := min(k, p.h-y0)
		clear(sums)
		for x0 := 0; x0 < p.w; x0 += cols {
			n := min(cols, p.w-x0)
			draw.Draw(strip, image.Rect(0, 0, n, rows), src, b.Min.Add(image.Pt(x0, y0)), draw.Src)
			for y := range rows {
				row := strip.Pix[y*strip.Stride : y*strip.Stride+4*n]
				for x := range n {
					s := sums[4*((x0+x)/k):][:4]
					px := row[4*x:][:4]
					s[0] += uint64(px[0])
					s[1] += uint64(px[1])
					s[2] += uint64(px[2])
					s[3] += uint64(px[3])
				}
			}
		}
		for rx := range p.rw {
			area := uint64(min(k, p.w-rx*k) * rows)
			d := dst.Pix[ry*dst.Stride+4*rx:][:4]
			for c := range d {
				d[c] = uint8((sums[4*rx+c] + area/2) / area)
			}
		}
	}
	return dst
}
