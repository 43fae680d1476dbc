package media

import (
	"bytes"
	"context"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// activeKeys are the dictionary keys that bring in active content, beyond
// activeNames: /EF holds a file specification's embedded file streams,
// whose own /Type /EmbeddedFile is optional. It is kept out of the token
// scan, where it could as well be a font called EF.
var activeKeys = map[string]string{"EF": "an embedded file"}

// pdfcpuConf returns pdfcpu's configuration for reading untrusted files:
// no configuration directory (pdfcpu would otherwise create one in the
// server's home) and decoding bounded like the token scan.
var pdfcpuConf = sync.OnceValue(func() model.Configuration {
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Limits.MaxStreamBytes = maxPDFInflated
	conf.Limits.MaxDecodeBytes = maxPDFInflated
	conf.Limits.MaxObjectCount = maxPDFObjects
	conf.Limits.MaxXRefEntries = maxPDFObjects
	conf.Limits.MaxObjectStreamCount = maxPDFObjects
	conf.Limits.MaxRecursionDepth = maxPDFDepth
	return *conf
})

const (
	maxPDFObjects = 1_000_000
	maxPDFDepth   = 100
)

// scanPDFObjects reads data as a PDF reader does (cross-reference table,
// repaired when missing or wrong; object streams decoded) and refuses it
// when any object, wherever it sits, uses a name of activeNames or
// activeKeys as a key or a value. It is the second layer behind the token
// scan: it cannot be fooled about where a dictionary starts or what a
// stream's filters are, but sees only what its parser reaches, so a file
// it cannot read is refused as uncheckable.
func scanPDFObjects(data []byte) (err error) {
	defer func() {
		if recover() != nil {
			err = uncheckable("its structure cannot be read")
		}
	}()
	conf := pdfcpuConf()
	ctx, err := api.ReadContext(bytes.NewReader(data), &conf)
	if err != nil {
		return uncheckable("its structure cannot be read")
	}
	if ctx.Encrypt != nil {
		return uncheckable("it is encrypted")
	}
	w := objectWalker{budget: maxPDFInflated, xref: ctx.XRefTable}
	for _, e := range ctx.Table {
		if e == nil || e.Free {
			continue
		}
		if err := w.walk(e.Object, 0); err != nil {
			return err
		}
	}
	return nil
}

// objectWalker looks through objects; budget bounds the bytes of object
// streams it decodes that pdfcpu had left alone.
type objectWalker struct {
	budget int64
	xref   *model.XRefTable
}

func (w *objectWalker) walk(o types.Object, depth int) error {
	if depth > maxPDFDepth {
		return uncheckable("objects are nested too deeply")
	}
	switch o := o.(type) {
	case types.Name:
		return activeName(string(o), activeNames)
	case types.Array:
		for _, v := range o {
			if err := w.walk(v, depth+1); err != nil {
				return err
			}
		}
	case types.Dict:
		return w.dict(o, depth)
	case types.StreamDict:
		return w.stream(o, depth)
	case types.ObjectStreamDict:
		if err := w.walk(o.ObjArray, depth+1); err != nil {
			return err
		}
		return w.stream(o.StreamDict, depth)
	case types.XRefStreamDict:
		return w.dict(o.Dict, depth)
	case types.LazyObjectStreamObject:
		v, err := o.DecodedObject(context.Background())
		if err != nil {
			return uncheckable("a compressed object cannot be read")
		}
		return w.walk(v, depth+1)
	}
	return nil
}

func (w *objectWalker) dict(d types.Dict, depth int) error {
	for k, v := range d {
		if err := activeName(k, activeNames); err != nil {
			return err
		}
		if k == "OpenAction" {
			if err := w.openAction(v); err != nil {
				return err
			}
		}
		if err := activeName(k, activeKeys); err != nil {
			return err
		}
		if err := w.walk(v, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// stream looks through a stream's dictionary and, for an object stream
// that no cross-reference entry points into (so pdfcpu did not decode it),
// through its decoded bytes by name: a reader repairing the file could
// still find the objects it holds.
func (w *objectWalker) stream(sd types.StreamDict, depth int) error {
	if err := w.dict(sd.Dict, depth); err != nil {
		return err
	}
	if !isObjectStream(sd.Dict) {
		return nil
	}
	if sd.Content == nil {
		if err := sd.DecodeWithLimit(w.budget); err != nil {
			return uncheckable("a compressed stream is damaged or encrypted")
		}
		w.budget -= int64(len(sd.Content))
		if w.budget < 0 {
			return uncheckable("too much compressed data")
		}
	}
	sc := nameScanner{unparsed: true}
	if _, err := sc.Write(sd.Content); err != nil {
		return err
	}
	return sc.Close()
}

// openAction lets through what many ordinary PDFs open with, the page and
// zoom to show first (a destination, or a GoTo action with nothing after
// it), and refuses any other action run on opening. It is judged here,
// where references resolve, and not by the token scan, which would refuse
// every PDF an office suite wrote with an initial view.
func (w *objectWalker) openAction(v types.Object) error {
	v, err := w.xref.Dereference(v)
	if err != nil {
		return uncheckable("an object cannot be read")
	}
	switch v := v.(type) {
	case types.Array:
		return nil
	case types.Dict:
		if s, _ := v["S"].(types.Name); s == "GoTo" && v["Next"] == nil {
			return nil
		}
	}
	return errOpenAction
}

func isObjectStream(d types.Dict) bool {
	t, _ := d["Type"].(types.Name)
	_, n := d["N"]
	_, first := d["First"]
	return t == "ObjStm" || n || first
}

// activeName returns the *PDFError for name when names lists it.
func activeName(name string, names map[string]string) error {
	if what, ok := names[name]; ok {
		return &PDFError{Feature: what + " (/" + name + ")", err: ErrActiveContent}
	}
	return nil
}
