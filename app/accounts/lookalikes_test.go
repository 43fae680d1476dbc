package accounts

import "testing"

func TestMixesScripts(t *testing.T) {
	for email, want := range map[string]bool{
		"ana.ruiz@clinic.org":       false,
		"jörg.müller@klinik.de":     false, // Latin with accents
		"алиса@почта.рф":            false, // Cyrillic throughout
		"やまだ太郎@example.jp":          false, // kana and kanji together
		"\u0430lice@clinic.org":     true,  // Cyrillic а, Latin lice
		"alice@cl\u0456nic.org":     true,  // Cyrillic і in the domain
		"alice@clinic.\u03bfrg":     true,  // Greek ο
		"dr.smith+onc@health-2.org": false,
	} {
		if got := mixesScripts(email); got != want {
			t.Errorf("mixesScripts(%q) = %v, want %v", email, got, want)
		}
	}
}
