package cases

import (
	"context"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"curbside/app/db"
	"curbside/app/identity"
)

// SearchQuery is what a member looks for.
type SearchQuery struct {
	Text      string
	Specialty string
	Tag       string
	Page      int
}

// Hit is a case or a reply that matches, with a highlighted snippet.
type Hit struct {
	CaseID    int64
	ReplyID   int64 // 0 for the case itself
	Title     string
	Specialty string
	Author    Author
	Snippet   template.HTML
	At        time.Time
}

// SearchResults is one page of hits.
type SearchResults struct {
	Hits    []Hit
	Page    int
	HasNext bool
}

// searchCandidates bounds the matches of each kind that are ranked.
const searchCandidates = "150"

const (
	searchPerPage  = 20
	maxSearchPage  = 10
	maxSearchRunes = 200
	// Marks ts_headline puts around matches: characters no clinician types,
	// turned into <mark> after the snippet is escaped.
	markOpen, markClose = "\u2983", "\u2984"
)

// searchSQL ranks matching cases and replies by text rank, damped by age
// (a month-old post counts half), and highlights only the page's rows.
// Ranking reads every candidate's vector, so a common word would rank most
// of the forum: candidates are the newest searchCandidates matches of each
// kind (candidatesSQL), which for a rare word is all of them. The tsquery is
// a constant in the statement, planned for its own words.
const searchSQL = `WITH q AS (SELECT ?::tsquery AS q),
case_hits AS (%[1]s),
reply_hits AS (%[2]s),
hits AS (
	SELECT h.id AS case_id, 0::bigint AS reply_id, c.title || ' — ' || c.body AS text, c.anonymous, c.author_id, h.last_activity_at AS at,
		ts_rank(h.search, q.q) / (1 + extract(epoch FROM now() - h.last_activity_at) / 2592000) AS rank
	FROM case_hits h JOIN cases c ON c.id = h.id, q
	UNION ALL
	SELECT h.case_id, h.id, r.body, r.anonymous, r.author_id, h.created_at,
		ts_rank(h.search, q.q) / (1 + extract(epoch FROM now() - h.created_at) / 2592000)
	FROM reply_hits h JOIN replies r ON r.id = h.id, q
	ORDER BY rank DESC, case_id DESC, reply_id DESC LIMIT ? OFFSET ?)
SELECT h.case_id, h.reply_id, c.title, sp.name,
	CASE WHEN h.anonymous THEN '' ELSE u.handle END, CASE WHEN h.anonymous THEN '' ELSE u.display_name END,
	COALESCE(asp.name, ''),
	ts_headline('english', h.text, q.q, 'StartSel=` + markOpen + `, StopSel=` + markClose + `, MaxFragments=2, MaxWords=25, MinWords=8, FragmentDelimiter=" … "'),
	h.at
FROM hits h CROSS JOIN q JOIN cases c ON c.id = h.case_id JOIN specialties sp ON sp.id = c.specialty_id
	JOIN users u ON u.id = h.author_id LEFT JOIN specialties asp ON asp.id = u.specialty_id
ORDER BY h.rank DESC, h.case_id DESC, h.reply_id DESC`

// candidatesSQL are the newest matches of one kind: %[1]s is the filters.
// A rare word is found through the GIN index, a common one by walking the
// newest rows until enough match.
var candidatesSQL = [2]string{
	`SELECT c.id, c.search, c.last_activity_at FROM cases c
	WHERE c.search @@ ?::tsquery AND c.deleted_at IS NULL AND c.hidden_at IS NULL %[1]s
	ORDER BY c.last_activity_at DESC LIMIT ` + searchCandidates,
	`SELECT r.id, r.case_id, r.search, r.created_at FROM replies r JOIN cases c ON c.id = r.case_id
	WHERE r.search @@ ?::tsquery AND r.deleted_at IS NULL AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL %[1]s
	ORDER BY r.id DESC LIMIT ` + searchCandidates,
}

// phraseCandidatesSQL are candidatesSQL for a query with a phrase ("chest
// pain", or a hyphenated word). PostgreSQL estimates a phrase as common as
// its words together, while few of those rows hold them in order, and each
// check reads a whole stored vector: walking the newest rows for a phrase
// took 100 ms or more. So a phrase is looked for among the newest
// phraseWindow matches of its words in any order (ordered is an AND query,
// fast either way), which bounds the work; older posts with the phrase are
// found by rarer words.
const phraseWindow = "600"

var phraseCandidatesSQL = [2]string{
	`SELECT * FROM (SELECT c.id, c.search, c.last_activity_at FROM cases c
		WHERE c.search @@ ?::tsquery AND c.deleted_at IS NULL AND c.hidden_at IS NULL %[1]s
		ORDER BY c.last_activity_at DESC LIMIT ` + phraseWindow + `) w
	WHERE w.search @@ ?::tsquery ORDER BY w.last_activity_at DESC LIMIT ` + searchCandidates,
	`SELECT * FROM (SELECT r.id, r.case_id, r.search, r.created_at FROM replies r JOIN cases c ON c.id = r.case_id
		WHERE r.search @@ ?::tsquery AND r.deleted_at IS NULL AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL %[1]s
		ORDER BY r.id DESC LIMIT ` + phraseWindow + `) w
	WHERE w.search @@ ?::tsquery ORDER BY w.id DESC LIMIT ` + searchCandidates,
}

// phraseOperators are tsquery's "followed by" operators: <->, <2>, …
var phraseOperators = regexp.MustCompile(`<(-|[0-9]+)>`)

// Search finds cases and replies by their words, PostgreSQL's full-text
// search over the stored vectors, with each hit's words marked.
func (s *Service) Search(ctx context.Context, v *identity.Viewer, q SearchQuery) (SearchResults, error) {
	q.Text = strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(q.Text) > maxSearchRunes {
		q.Text = string([]rune(q.Text)[:maxSearchRunes])
	}
	q.Page = min(max(q.Page, 1), maxSearchPage)
	res := SearchResults{Page: q.Page}
	if q.Text == "" {
		return res, nil
	}
	// The filters stand twice in the query, for cases and for replies.
	var filters []string
	var filterArgs []any
	if q.Specialty != "" {
		sp, err := s.accounts.SpecialtyBySlug(ctx, q.Specialty)
		if err != nil {
			return res, err
		}
		filters, filterArgs = append(filters, "AND c.specialty_id = ?"), append(filterArgs, sp.ID)
	}
	if q.Tag != "" {
		filters = append(filters, "AND EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = ?)")
		filterArgs = append(filterArgs, q.Tag)
	}
	filterSQL := strings.Join(filters, " ")
	// A plan made once for any words would not know a rare word from a
	// common one, and the best plans for the two differ a thousandfold.
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return err
		}
		var exact string
		if err := tx.Raw("SELECT websearch_to_tsquery('english', ?)::text", q.Text).Row().Scan(&exact); err != nil {
			return fmt.Errorf("search words: %w", err)
		}
		if exact == "" { // only words too common to index ("the", "what")
			return nil
		}
		args := []any{exact}
		candidates := [2]string{}
		for i := range candidates {
			// Loosening a phrase under a "not" would narrow the search: such
			// queries take the plain path.
			if loose := phraseOperators.ReplaceAllString(exact, "&"); loose != exact && !strings.Contains(exact, "!") {
				candidates[i] = fmt.Sprintf(phraseCandidatesSQL[i], filterSQL)
				args = append(append(append(args, loose), filterArgs...), exact)
			} else {
				candidates[i] = fmt.Sprintf(candidatesSQL[i], filterSQL)
				args = append(append(args, exact), filterArgs...)
			}
		}
		args = append(args, searchPerPage+1, (q.Page-1)*searchPerPage)
		rows, err := tx.Raw(fmt.Sprintf(searchSQL, candidates[0], candidates[1]), args...).Rows()
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h Hit
			var snippet string
			if err := rows.Scan(&h.CaseID, &h.ReplyID, &h.Title, &h.Specialty, &h.Author.Handle, &h.Author.DisplayName,
				&h.Author.Specialty, &snippet, &h.At); err != nil {
				return err
			}
			h.Snippet = highlight(snippet)
			res.Hits = append(res.Hits, h)
		}
		return rows.Err()
	})
	if len(res.Hits) > searchPerPage {
		res.Hits, res.HasNext = res.Hits[:searchPerPage], true
	}
	return res, err
}

// highlight escapes a snippet of Markdown source and turns the search marks
// into <mark>, balanced whatever the text itself held.
func highlight(snippet string) template.HTML {
	var b strings.Builder
	open := false
	for _, r := range template.HTMLEscapeString(snippet) {
		switch {
		case string(r) == markOpen && !open:
			b.WriteString("<mark>")
			open = true
		case string(r) == markClose && open:
			b.WriteString("</mark>")
			open = false
		case string(r) == markOpen, string(r) == markClose:
		default:
			b.WriteRune(r)
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}
