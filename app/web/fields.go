package web

import (
	"fmt"
	"html/template"
	"strings"

	"curbside/app/web/kit"
)

// fieldView is the argument of the "field" partial.
type fieldView struct {
	// ID is the control's id, the name unless a page holds two fields of
	// one name (two forms asking for a code): ids must be unique.
	Name, ID, Label, Type, Value, Hint, Error string
	Attr                                      map[string]string
	Options                                   []kit.Option
}

// allowedAttrs are the attributes a template may put on a field; attribute
// names are never taken from data.
var allowedAttrs = map[string]bool{
	"autocomplete": true, "required": true, "maxlength": true, "minlength": true, "placeholder": true,
	"inputmode": true, "autocapitalize": true, "pattern": true, "accept": true, "rows": true, "autofocus": true, "spellcheck": true, "multiple": true,
}

// field builds a fieldView: field FORM NAME LABEL TYPE ["hint=…"] ["id=…"] ["options" OPTIONS] ["attr=value"…].
func field(form kit.Form, name, label, typ string, extra ...any) (fieldView, error) {
	f := fieldView{Name: name, ID: name, Label: label, Type: typ, Value: form.Value(name), Error: form.Error(name), Attr: map[string]string{}}
	for i := 0; i < len(extra); i++ {
		switch x := extra[i].(type) {
		case []kit.Option:
			f.Options = x
		case string:
			k, v, _ := strings.Cut(x, "=")
			switch {
			case k == "hint":
				f.Hint = v
			case k == "id":
				f.ID = v
			case allowedAttrs[k]:
				f.Attr[k] = v
			default:
				return f, fmt.Errorf("field %s: attribute %q not allowed", name, k)
			}
		default:
			return f, fmt.Errorf("field %s: unexpected argument %T", name, x)
		}
	}
	return f, nil
}

// attr marks a vetted attribute name as safe for the template.
func attr(name string) template.HTMLAttr {
	if !allowedAttrs[name] {
		return "data-invalid"
	}
	return template.HTMLAttr(name)
}

// fieldHTML renders a field (field's arguments): kept while it is empty and
// without a message, as a form's fields are on every first visit, since a
// field is some thirty template actions; rendered afresh otherwise.
func (r *renderer) fieldHTML(form kit.Form, name, label, typ string, extra ...any) (template.HTML, error) {
	f, err := field(form, name, label, typ, extra...)
	if err != nil {
		return "", err
	}
	render := func() (template.HTML, error) { return r.RenderFragment("field", f) }
	if f.Value != "" || f.Error != "" {
		return render()
	}
	var key strings.Builder
	key.WriteString(name + "\x00" + label + "\x00" + typ)
	for _, x := range extra {
		switch x := x.(type) {
		case string:
			key.WriteString("\x00" + x)
		case []kit.Option:
			for _, o := range x {
				key.WriteString("\x01" + o.Value + "\x02" + o.Label)
			}
		}
	}
	return r.fields.Keep(key.String(), render)
}
