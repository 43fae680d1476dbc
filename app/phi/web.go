package phi

import (
	"net/netip"
	"net/url"
	"regexp"
	"strings"
)

// E-mail addresses, URLs and IP addresses.

var (
	urlStartRe = regexp.MustCompile(`^(?i:https?://|www\.)[^\s<>"'\x60]`)
	ipv4Re     = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b`)
	// bareSocialRe is a social-media link written without a scheme:
	// "facebook.com/jane.doe".
	bareSocialRe = regexp.MustCompile(`^(?i:[a-z0-9-]+\.)+[a-z]{2,6}/[^\s<>"'\x60]+`)
)

// atEmail flags the address around the "@" at at.
func (s *scanner) atEmail(at int) {
	t := s.text
	i := at
	for i > 0 && at-i < 64 && (isLetter(t[i-1]) || isDigit(t[i-1]) || strings.IndexByte("._%+-", t[i-1]) >= 0) {
		i--
	}
	for i < at && t[i] == '.' {
		i++
	}
	j := at + 1
	for j < len(t) && j-at < 256 && (isLetter(t[j]) || isDigit(t[j]) || t[j] == '.' || t[j] == '-') {
		j++
	}
	for j > at+1 && (t[j-1] == '.' || t[j-1] == '-') {
		j--
	}
	if i == at || j == at+1 {
		return
	}
	dot := strings.LastIndexByte(t[at+1:j], '.')
	if dot <= 0 {
		return
	}
	tld := t[at+1+dot+1 : j]
	if len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return
	}
	s.add("email", i, j)
}

// atURL flags the URL starting at i ("http", "https" or "www") when it is
// personal (see personalURL).
func (s *scanner) atURL(i int) {
	if i > 0 && (s.text[i-1] == '/' || s.text[i-1] == '.') {
		return // inside another URL
	}
	if !urlStartRe.MatchString(s.window(i, 16)) {
		return
	}
	end := urlEnd(s.text, i)
	raw := s.text[i:end]
	if !strings.Contains(raw[:min(len(raw), 8)], "://") {
		raw = "http://" + raw
	}
	if u, err := url.Parse(raw); err == nil && personalURL(u) {
		s.add("url", i, end)
	}
}

// socialURL flags "facebook.com/jane.doe" and the like, written without a
// scheme, at the host word at i.
func (s *scanner) socialURL(i int) {
	if i > 0 && (s.text[i-1] == '/' || s.text[i-1] == '.' || s.text[i-1] == '@') {
		return
	}
	if !bareSocialRe.MatchString(s.window(i, 32)) {
		return
	}
	end := urlEnd(s.text, i)
	if u, err := url.Parse("http://" + s.text[i:end]); err == nil && hostIn(hostOf(u), socialHosts) {
		s.add("url", i, end)
	}
}

// urlEnd returns the end of the URL starting at i, leaving out punctuation
// that ends the sentence around it and a ")" or "]" it did not open.
func urlEnd(t string, i int) int {
	j := i
	for j < len(t) && j-i < 2048 && t[j] > ' ' && strings.IndexByte("<>\"'`", t[j]) < 0 {
		j++
	}
	parens := strings.Count(t[i:j], "(") - strings.Count(t[i:j], ")")
	brackets := strings.Count(t[i:j], "[") - strings.Count(t[i:j], "]")
	for ; j > i; j-- {
		switch c := t[j-1]; {
		case strings.IndexByte(".,;:!?*_", c) >= 0:
		case c == ')' && parens < 0:
			parens++
		case c == ']' && brackets < 0:
			brackets++
		default:
			return j
		}
	}
	return j
}

// personalURL decides whether a link identifies someone. Flagged: links to
// social, photo and file-sharing hosts, patient portals, IP addresses, and
// links whose path or query names a patient, a record or a person (a segment
// such as "patient", "mrn", "profile", "obituary", a first name as in
// "/john-smith", an id parameter such as "?mrn=" or "?user=", or on sites that
// are not known references a numeric id of five or more digits). Not flagged:
// citations to medical reference sites (nejm.org, pubmed, uptodate.com...)
// whatever their article ids, and links with nothing personal in them.
func personalURL(u *url.URL) bool {
	host := hostOf(u)
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	if hostIn(host, socialHosts) || strings.Contains(host, "mychart") || strings.Contains(host, "patientportal") {
		return true
	}
	ref := hostIn(host, referenceHosts)
	citation := ref
	var segs []string
	for seg := range strings.FieldsFuncSeq(strings.ToLower(u.Path), func(r rune) bool { return r == '/' }) {
		segs = append(segs, seg)
		if citationWords[seg] {
			citation = true
		}
	}
	for _, seg := range segs {
		parts := strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '+' })
		for _, p := range parts {
			if patientTerms[p] || !ref && personalTerms[p] {
				return true
			}
		}
		if ref {
			continue
		}
		if len(parts) >= 2 && firstNames[strings.ToUpper(parts[0][:1])+parts[0][1:]] {
			return true // "/john-smith"
		}
		if !citation && longestDigitRun(seg) >= 5 {
			return true
		}
	}
	for key := range u.Query() {
		if idKeys[strings.ToLower(key)] && (!ref || patientTerms[strings.ToLower(key)]) {
			return true
		}
	}
	return false
}

func hostOf(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	h = strings.TrimPrefix(h, "www.")
	return strings.TrimPrefix(h, "m.")
}

// hostIn reports whether host is one of hosts or a subdomain of one.
func hostIn(host string, hosts map[string]bool) bool {
	for {
		if hosts[host] {
			return true
		}
		dot := strings.IndexByte(host, '.')
		if dot < 0 {
			return false
		}
		host = host[dot+1:]
	}
}

func longestDigitRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

var (
	socialHosts = set(`facebook.com fb.com instagram.com twitter.com x.com tiktok.com linkedin.com youtube.com youtu.be
		snapchat.com pinterest.com tumblr.com reddit.com flickr.com imgur.com photobucket.com dropbox.com drive.google.com
		photos.google.com photos.app.goo.gl icloud.com onedrive.live.com 1drv.ms box.com wetransfer.com we.tl vk.com t.me
		wa.me threads.net bsky.app mastodon.social vimeo.com gofundme.com caringbridge.org legacy.com findagrave.com`)
	// socialCueWords are the host words that start a scheme-less social link.
	socialCueWords = words(`facebook fb instagram twitter tiktok linkedin youtube youtu snapchat pinterest tumblr reddit flickr
		imgur dropbox vimeo gofundme caringbridge legacy findagrave`)
	referenceHosts = set(`nejm.org uptodate.com ncbi.nlm.nih.gov nih.gov cdc.gov who.int thelancet.com jamanetwork.com bmj.com
		ahajournals.org acc.org heart.org idsociety.org nice.org.uk cochranelibrary.com medscape.com mdcalc.com doi.org
		clinicaltrials.gov fda.gov aafp.org radiopaedia.org litfl.com wikipedia.org nature.com sciencedirect.com springer.com
		wiley.com oup.com lww.com annals.org acpjournals.org atsjournals.org diabetesjournals.org escardio.org kdigo.org
		nccn.org asco.org ascopubs.org idsa.org thoracic.org gastro.org asahq.org aan.com acog.org aap.org
		publications.aap.org cell.com jci.org frontiersin.org plos.org plosone.org biomedcentral.com medrxiv.org
		biorxiv.org statpearls.com merckmanuals.com emedicine.medscape.com dynamed.com bestpractice.bmj.com`)
	// citationWords in a path mark an article, so its numeric id is not a patient's.
	citationWords = set(`doi pubmed pmc article articles abstract fulltext full content pdf guideline guidelines trial
		trials study journal journals issue volume vol`)
	// patientTerms name a patient or a record anywhere, even on reference sites.
	patientTerms = set(`patient patients pt mrn ehr emr chart charts`)
	// personalTerms name a person elsewhere.
	personalTerms = set(`record records profile profiles user users people person member members obituary obituaries obit
		obits photos photo album albums tribute fundraiser`)
	idKeys = set(`id pid uid mrn patient patientid patient_id pt user userid user_id name dob acct account member memberid
		record encounter visit ssn email phone fin`)
)

// numberIP looks for an IPv4 address at the digit run at i, or an IPv6 one.
func (s *scanner) numberIP(i, n int, next byte) {
	if n <= 3 && next == '.' {
		w := s.window(i, 20)
		m := ipv4Re.FindStringSubmatchIndex(w)
		if m == nil || continues(w, m[1]) {
			return
		}
		for k := 2; k < 10; k += 2 {
			if !inRange(w[m[k]:m[k+1]], 0, 255) {
				return
			}
		}
		s.add("ip", i, i+m[1])
		return
	}
	if n <= 4 {
		s.maybeIPv6(i)
	}
}

// maybeIPv6 flags an IPv6 address starting at i; hex words and digit runs
// call it, and it returns at once unless a colon follows within 5 bytes.
func (s *scanner) maybeIPv6(i int) {
	t := s.text
	if !strings.Contains(t[i:min(len(t), i+6)], ":") {
		return
	}
	j := i
	for j < len(t) && j-i < 64 && (isHex(t[j]) || t[j] == ':' || t[j] == '.') {
		j++
	}
	for j > i && (t[j-1] == '.' || t[j-1] == ':' && (j-2 < i || t[j-2] != ':')) {
		j--
	}
	if j < len(t) && isWordByte(t[j]) || strings.Count(t[i:j], ":") < 2 {
		return
	}
	if a, err := netip.ParseAddr(t[i:j]); err == nil && a.Is6() {
		s.add("ip", i, j)
	}
}
