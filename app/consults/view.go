package consults

import (
	"context"
	"errors"
	"fmt"
	"html/template"

	"github.com/jackc/pgx/v5"

	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

// Page is a consult with its thread and timeline, as one member sees it.
type Page struct {
	Consult  Consult
	Messages []Message
	Events   []Event
	// Can is what the viewer may do now.
	Can Actions
}

const consultQuery = `SELECT c.id, c.requester_id, ru.handle, ru.display_name, c.specialty_id,
	c.addressed_to, au.handle, au.display_name, c.urgency, c.question, c.summary_html,
	c.age_band, c.sex, c.history, c.medications, c.results, c.status,
	c.consultant_id, cu.handle, cu.display_name, c.created_at, c.first_claimed_at, c.answered_at,
	c.overdue_at, c.rating, c.referral, c.survey_comment, c.version
	FROM consults c JOIN users ru ON ru.id = c.requester_id
	LEFT JOIN users au ON au.id = c.addressed_to LEFT JOIN users cu ON cu.id = c.consultant_id
	WHERE c.id = $1`

const messagesQuery = `SELECT m.id, m.author_id, u.handle, u.display_name, m.body_html, m.is_answer, m.created_at,
	m.hidden_at IS NOT NULL FROM consult_messages m JOIN users u ON u.id = m.author_id WHERE m.consult_id = $1 ORDER BY m.id`

const attachmentsQuery = `SELECT a.id, a.message_id, d.content_type, d.size_bytes
	FROM consult_attachments a JOIN documents d ON d.id = a.file_id WHERE a.consult_id = $1 ORDER BY a.id`

const eventsQuery = `SELECT e.actor_id, u.handle, u.display_name, e.action, e.created_at
	FROM consult_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.consult_id = $1 ORDER BY e.id`

// Open loads a consult for the viewer, its thread and timeline with it, in
// one round trip whatever their length, or in none when rider (PageRider,
// or nil) found the kept page current. A consult the viewer may not see
// is not found; a view by anyone but its two parties is audited.
func (s *Service) Open(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta, rider db.Rider) (*Page, error) {
	p, kept := s.kept(id, rider)
	version := int64(-1)
	if !kept {
		var err error
		if p, version, err = s.load(ctx, id); err != nil {
			return nil, err
		}
	}
	c := &p.Consult
	st := &state{ID: c.ID, RequesterID: c.Requester.ID, SpecialtyID: c.SpecialtyID, Status: c.Status, Urgency: c.Urgency}
	if c.AddressedTo != nil {
		st.AddressedTo = &c.AddressedTo.ID
	}
	if c.Consultant != nil {
		st.ConsultantID = &c.Consultant.ID
	}
	rel := relationTo(v, st)
	if !rel.canSee() {
		// Nothing loaded reaches the viewer: the page is not rendered, nor kept.
		return nil, notFound(id)
	}
	if !kept {
		s.pages.put(id, version, p) // a copy, before this view blanks anything in its own
	}
	for i := range p.Messages {
		if m := &p.Messages[i]; m.Hidden && !v.CanModerate() {
			m.BodyHTML, m.Attachments = "", nil
		}
	}
	if err := s.auditView(ctx, v, rel, id, meta, "status", c.Status); err != nil {
		return nil, err
	}
	sp, err := s.accounts.SpecialtyByID(ctx, c.SpecialtyID)
	if err != nil {
		return nil, err
	}
	c.Specialty, p.Can = sp.Name, actionsFor(rel, st)
	return p, nil
}

// load reads a consult's page as it is stored, with the consult's version.
// The thread and timeline are read after the consult, never before it:
// kept at the consult's version, they are as new as it or newer, and a
// change after it has moved the version.
func (s *Service) load(ctx context.Context, id int64) (*Page, int64, error) {
	var p Page
	var version int64
	b := &pgx.Batch{}
	b.Queue(consultQuery, id)
	b.Queue(messagesQuery, id)
	b.Queue(eventsQuery, id)
	b.Queue(attachmentsQuery, id)
	err := db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		if err := scanConsult(res.QueryRow(), &p.Consult, &version); err != nil {
			return err
		}
		var err error
		if p.Messages, err = scanMessages(res); err != nil {
			return err
		}
		if p.Events, err = scanEvents(res); err != nil {
			return err
		}
		return scanAttachments(res, &p)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, notFound(id)
	} else if err != nil {
		return nil, 0, fmt.Errorf("load consult %d: %w", id, err)
	}
	return &p, version, nil
}

// person makes a Person of a left-joined member, or nil when there is none.
func person(id *int64, handle, name *string) *Person {
	if id == nil || handle == nil || name == nil {
		return nil
	}
	return &Person{ID: *id, Handle: *handle, DisplayName: *name}
}

func scanConsult(row pgx.Row, c *Consult, version *int64) error {
	var addressedID, consultantID *int64
	var addressedHandle, addressedName, consultantHandle, consultantName, ageBand, sex, referral *string
	var summaryHTML string
	var rating *int16
	err := row.Scan(&c.ID, &c.Requester.ID, &c.Requester.Handle, &c.Requester.DisplayName, &c.SpecialtyID,
		&addressedID, &addressedHandle, &addressedName, &c.Urgency, &c.Question, &summaryHTML,
		&ageBand, &sex, &c.History, &c.Medications, &c.Results, &c.Status,
		&consultantID, &consultantHandle, &consultantName, &c.CreatedAt, &c.FirstClaimedAt, &c.AnsweredAt,
		&c.OverdueAt, &rating, &referral, &c.SurveyComment, version)
	if err != nil {
		return err
	}
	// Rendered by the Markdown package and sanitised when stored.
	c.SummaryHTML = template.HTML(summaryHTML)
	c.AddressedTo = person(addressedID, addressedHandle, addressedName)
	c.Consultant = person(consultantID, consultantHandle, consultantName)
	c.AgeBand, c.Sex, c.Referral = deref(ageBand), deref(sex), deref(referral)
	if rating != nil {
		r := int(*rating)
		c.Rating = &r
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func scanMessages(res pgx.BatchResults) ([]Message, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Message
	for rows.Next() {
		var m Message
		var html string
		if err := rows.Scan(&m.ID, &m.Author.ID, &m.Author.Handle, &m.Author.DisplayName, &html, &m.IsAnswer, &m.CreatedAt, &m.Hidden); err != nil {
			return nil, err
		}
		m.BodyHTML = template.HTML(html) // sanitised when stored
		list = append(list, m)
	}
	return list, rows.Err()
}

func scanEvents(res pgx.BatchResults) ([]Event, error) {
	rows, err := res.Query()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Event
	for rows.Next() {
		var e Event
		var actorID *int64
		var handle, name *string
		if err := rows.Scan(&actorID, &handle, &name, &e.Action, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.Actor = person(actorID, handle, name)
		list = append(list, e)
	}
	return list, rows.Err()
}

// scanAttachments hands each attachment to the request or the message it
// came with.
func scanAttachments(res pgx.BatchResults, p *Page) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	byMessage := make(map[int64]int, len(p.Messages))
	for i, m := range p.Messages {
		byMessage[m.ID] = i
	}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.MessageID, &a.ContentType, &a.SizeBytes); err != nil {
			return err
		}
		if a.MessageID == nil {
			p.Consult.Attachments = append(p.Consult.Attachments, a)
		} else if i, ok := byMessage[*a.MessageID]; ok {
			p.Messages[i].Attachments = append(p.Messages[i].Attachments, a)
		}
	}
	return rows.Err()
}

// auditView writes a view of a consult's clinical content (its page, or
// what more says, such as one of its files) to the audit log, unless the
// viewer is one of its two parties: the HIPAA audit control.
func (s *Service) auditView(ctx context.Context, v *identity.Viewer, rel relation, id int64, meta identity.Meta, what, which string) error {
	if rel.party() {
		return nil
	}
	return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditViewed, TargetType: "consult", TargetID: id,
		IP: meta.IP, Detail: map[string]string{"as": rel.String(), what: which}})
}
