package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"
)

// ErrRemoved refuses a case a moderator hid to members: it exists, but they
// may no longer read it.
var ErrRemoved = fmt.Errorf("case removed by a moderator: %w", apperr.ErrForbidden)

// Page is a case with its discussion, as one member sees it.
type Page struct {
	Case    Case
	Replies []Reply
}

// Open loads a case and its replies for the viewer, in a fixed number of
// queries whatever the number of replies, and records that the viewer has
// now read it.
//
// A rider sent with the session lookup (PageRider; nil if none went) lets a
// page whose shared part is kept and current skip reading it.
func (s *Service) Open(ctx context.Context, v *identity.Viewer, id int64, rider db.Rider) (*Page, error) {
	c, replies, kept := s.fromKept(v, id, rider)
	if !kept {
		var err error
		if c, replies, err = s.load(ctx, v, id); err != nil {
			return nil, err
		}
	}
	if c.Hidden && !v.CanModerate() {
		return nil, ErrRemoved
	}
	// A page read again with nothing new writes nothing: reading stays
	// a read, however often a member reloads.
	var newest int64
	for _, r := range replies {
		newest = max(newest, r.ID)
	}
	if c.Unread || c.NewReplies > 0 || newest > c.LastReadReplyID {
		if err := s.markRead(ctx, v.UserID, c.ID); err != nil {
			return nil, err
		}
	}
	return &Page{Case: *c, Replies: replies}, nil
}

// markRead records that the member has seen the case as it is now: its
// replies so far are no longer new to them (nor is what they just wrote).
func (s *Service) markRead(ctx context.Context, userID, caseID int64) error {
	err := db.Conn(ctx, s.db).Exec(`INSERT INTO case_reads (case_id, user_id, replies_seen, last_reply_id, read_at)
		SELECT c.id, ?, c.reply_count, COALESCE((SELECT max(r.id) FROM replies r WHERE r.case_id = c.id), 0), ?
		FROM cases c WHERE c.id = ?
		ON CONFLICT (user_id, case_id) DO UPDATE SET replies_seen = EXCLUDED.replies_seen,
		last_reply_id = GREATEST(case_reads.last_reply_id, EXCLUDED.last_reply_id), read_at = EXCLUDED.read_at`,
		userID, s.now(), caseID).Error
	if err != nil {
		return fmt.Errorf("mark case read: %w", err)
	}
	return nil
}

// caseQuery reads a case for its page with what the reader ($1) has done
// with it, in one query; it is on the path of every case page, so it skips
// GORM's statement building. The reader's helpful marks come with the case,
// found in one index scan, rather than probed for reply by reply, which
// was a third of the cost of reading the replies.
var caseQuery = `SELECT ` + summaryColumns + `, c.body, c.body_html, c.age_band, c.sex,
	c.care_setting, c.outcome, c.outcome_html, c.outcome_at, c.accepted_reply_id, c.edited_at, c.author_id,
	EXISTS (SELECT 1 FROM case_follows f WHERE f.case_id = c.id AND f.user_id = $1), COALESCE(rd.last_reply_id, 0),
	COALESCE((SELECT string_agg(i.position::text, ',' ORDER BY i.position) FROM case_images i WHERE i.case_id = c.id), ''),
	COALESCE((SELECT d.body FROM drafts d WHERE d.user_id = $1 AND d.case_id = c.id), ''),
	ARRAY(SELECT h.reply_id FROM reply_helpful h WHERE h.user_id = $1 AND h.case_id = c.id), c.hidden_at IS NOT NULL,
	c.version ` + strings.Replace(summaryJoins, "?", "$1", 1) + ` WHERE c.id = $2 AND c.deleted_at IS NULL`

// load reads a case and its replies as the viewer sees them, both queries
// in one round trip. The replies come back only when they changed since
// this server last kept them, and the page is kept when both were read at
// one version (pageCache).
func (s *Service) load(ctx context.Context, v *identity.Viewer, id int64) (*Case, []Reply, error) {
	kept := s.pages.get(id)
	b := &pgx.Batch{}
	b.Queue(caseQuery, v.UserID, id)
	b.Queue(repliesQuery, id, kept.version)
	specialties, err := s.specialtyIndex(ctx)
	if err != nil {
		return nil, nil, err
	}
	var c *Case
	err = db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		var err error
		if c, err = scanCase(res.QueryRow(), v, id, specialties); err != nil {
			return err
		}
		rows, err := res.Query()
		if err != nil {
			return fmt.Errorf("load replies: %w", err)
		}
		defer rows.Close()
		fresh, changed, err := readReplies(rows, specialties)
		if err != nil {
			return err
		}
		switch {
		case changed:
			kept = fresh
			if c.version == kept.version { // else the case moved on between the two reads: keep the replies alone
				kept.head = c.shared()
			}
			s.pages.put(id, kept)
		case kept.head == nil && c.version == kept.version:
			kept.head = c.shared()
			s.pages.put(id, kept)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, forReader(kept.replies, c, v), nil
}

// scanner is a row of database/sql or of pgx.
type scanner interface{ Scan(dest ...any) error }

func scanCase(row scanner, v *identity.Viewer, id int64, specialties specialtyIndex) (*Case, error) {
	var c Case
	var sum summaryRow
	var bodyHTML string
	var outcome, outcomeHTML, ageBand, sex, setting sql.NullString
	var accepted sql.NullInt64
	var following bool
	var lastRead int64
	var images string
	err := row.Scan(append(sum.dest(), &c.Body, &bodyHTML, &ageBand, &sex, &setting, &outcome, &outcomeHTML,
		&c.OutcomeAt, &accepted, &c.EditedAt, &c.authorID, &following, &lastRead, &images, &c.ReplyDraft, &c.markedHelpful, &c.Hidden,
		&c.version)...)
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("case %d: %w", id, apperr.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("load case %d: %w", id, err)
	}
	c.Summary, c.SpecialtyID = sum.summary(specialties), sum.specialtyID
	for _, p := range strings.Split(images, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			c.Images = append(c.Images, Image{Position: n})
		}
	}
	// Rendered by the Markdown package and sanitised when stored.
	c.BodyHTML, c.OutcomeHTML = template.HTML(bodyHTML), template.HTML(outcomeHTML.String)
	c.Outcome, c.AgeBand, c.Sex, c.CareSetting = outcome.String, ageBand.String, sex.String, setting.String
	c.AcceptedReplyID, c.Mine, c.Following, c.LastReadReplyID = accepted.Int64, c.authorID == v.UserID, following, lastRead
	if c.Unread { // first visit: nothing is "new" within it
		c.LastReadReplyID = 1<<62 - 1
	}
	return &c, nil
}

// repliesQuery reads a case's ($1) replies as every member may see them,
// with the case's version, unless that version is $2 (the one this
// server keeps): then it returns no row. A case with no replies gives one
// row with reply id 0, so that "unchanged" and "none" differ. Like
// caseQuery, it skips GORM. The Markdown source stays behind: the page
// shows the rendered body, and an edit reads its own reply.
const repliesQuery = `SELECT c.version, COALESCE(r.id, 0),
	COALESCE(CASE WHEN r.anonymous THEN '' ELSE u.handle END, ''), COALESCE(CASE WHEN r.anonymous THEN '' ELSE u.display_name END, ''),
	u.specialty_id, COALESCE(r.body_html, ''), COALESCE(r.helpful_count, 0), COALESCE(r.author_id, 0),
	COALESCE(r.created_at, c.created_at), r.edited_at, r.deleted_at IS NOT NULL, r.hidden_at IS NOT NULL
	FROM cases c LEFT JOIN (replies r JOIN users u ON u.id = r.author_id) ON r.case_id = c.id
	WHERE c.id = $1 AND c.version <> $2 ORDER BY r.id`

// readReplies reads repliesQuery's rows; changed is false when there were
// none, the kept replies being current.
func readReplies(rows pgx.Rows, specialties specialtyIndex) (thread keptPage, changed bool, err error) {
	for rows.Next() {
		changed = true
		var r keptReply
		var html string
		var authorSpecialty *int16
		if err := rows.Scan(&thread.version, &r.ID, &r.Author.Handle, &r.Author.DisplayName, &authorSpecialty, &html,
			&r.HelpfulCount, &r.authorID, &r.CreatedAt, &r.EditedAt, &r.Deleted, &r.Hidden); err != nil {
			return keptPage{}, false, err
		}
		if r.ID == 0 { // the case has no replies yet
			continue
		}
		r.Author.Specialty = specialties.name(authorSpecialty)
		r.BodyHTML = template.HTML(html)
		thread.replies = append(thread.replies, r)
	}
	if err := rows.Err(); err != nil {
		return keptPage{}, false, err
	}
	return thread, changed, nil
}

// forReader is a case's kept replies as the viewer sees them: their own,
// those they marked, those new since their last visit, and the words of a
// hidden reply only for a moderator.
func forReader(kept []keptReply, c *Case, v *identity.Viewer) []Reply {
	moderator := v.CanModerate()
	list := make([]Reply, len(kept), len(kept)+1)
	for i, k := range kept {
		r := k.Reply
		if r.Deleted || r.Hidden && !moderator { // the place in the thread stays; the words and the author go
			r.BodyHTML, r.Author = "", Author{}
		}
		r.CaseID = c.ID
		r.Mine = k.authorID == v.UserID
		r.Accepted = r.ID == c.AcceptedReplyID
		r.MarkedByMe = slices.Contains(c.markedHelpful, r.ID)
		r.New = r.ID > c.LastReadReplyID
		list[i] = r
	}
	return list
}
