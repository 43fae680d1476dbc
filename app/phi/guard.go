package phi

// Held is a post held back because it looks as if it names a patient: the
// findings by form field, for the author to edit or acknowledge.
type Held struct{ Findings map[string][]Finding }

func (e *Held) Error() string { return "possible patient identifiers" }

// Guard scans each named text field of a post. With findings it fails with
// *Held, unless the author acknowledged them: then it reports the post as
// flagged for moderators.
func Guard(ack bool, fields map[string]string) (flagged bool, err error) {
	found := map[string][]Finding{}
	for name, text := range fields {
		if f := Scan(text); len(f) > 0 {
			found[name] = f
		}
	}
	switch {
	case len(found) == 0:
		return false, nil
	case ack:
		return true, nil
	}
	return false, &Held{Findings: found}
}
