// Package consults is the eConsult workflow: a physician asks a specialty a
// question, one specialist of it claims the consult and answers, and the
// requester closes it with a short survey. The status moves only as the
// contract fixes; who may see and do what is decided here, from the viewer
// and the consult.
package consults

import (
	"html/template"
	"time"
)

// Statuses, as in the contract.
const (
	StatusOpen      = "open"
	StatusClaimed   = "claimed"
	StatusAnswered  = "answered"
	StatusClosed    = "closed"
	StatusWithdrawn = "withdrawn"
)

// Urgencies, as in the contract.
const (
	Routine = "routine"
	Urgent  = "urgent"
)

// Referral outcomes the close-out survey asks about.
const (
	ReferralAvoided       = "avoided"
	ReferralStillNeeded   = "still_needed"
	ReferralNotConsidered = "not_considered"
)

// Referrals are the survey's answers to "was a referral avoided?", in order.
var Referrals = []string{ReferralAvoided, ReferralStillNeeded, ReferralNotConsidered}

// Limits on what a consult holds.
const (
	MaxQuestion = 2000
	MaxSummary  = 20000
	MaxSection  = 4000 // history, medications, results
	MaxMessage  = 20000
	MaxComment  = 2000
)

// UrgentAfter is how long an urgent consult may wait unclaimed before it is
// overdue and its specialty is reminded.
const UrgentAfter = 30 * time.Minute

// Person is a member as a consult shows them.
type Person struct {
	ID          int64
	Handle      string
	DisplayName string
}

// Consult is one consult as its page shows it.
type Consult struct {
	ID             int64
	Requester      Person
	SpecialtyID    int16
	Specialty      string
	AddressedTo    *Person
	Urgency        string
	Question       string
	SummaryHTML    template.HTML
	AgeBand        string
	Sex            string
	History        string
	Medications    string
	Results        string
	Status         string
	Consultant     *Person
	CreatedAt      time.Time
	FirstClaimedAt *time.Time
	AnsweredAt     *time.Time
	OverdueAt      *time.Time
	Rating         *int
	Referral       string
	SurveyComment  string
	// Attachments are the files sent with the request.
	Attachments []Attachment
}

// Urgent reports whether the consult was asked as urgent.
func (c Consult) Urgent() bool { return c.Urgency == Urgent }

// TimeToClaim is how long the first claim took, or 0 before it.
func (c Consult) TimeToClaim() time.Duration { return since(c.CreatedAt, c.FirstClaimedAt) }

// TimeToAnswer is how long the first answer took, or 0 before it.
func (c Consult) TimeToAnswer() time.Duration { return since(c.CreatedAt, c.AnsweredAt) }

func since(from time.Time, to *time.Time) time.Duration {
	if to == nil {
		return 0
	}
	return to.Sub(from)
}

// Message is one message of a consult's thread.
type Message struct {
	ID          int64
	Author      Person
	BodyHTML    template.HTML
	IsAnswer    bool
	CreatedAt   time.Time
	Attachments []Attachment
	// Hidden by a moderator: the parties see that it was removed.
	Hidden bool
}

// Event is one move of a consult's status, for its timeline.
type Event struct {
	Actor     *Person // nil: Curbside itself (the overdue reminder)
	Action    string
	CreatedAt time.Time
}

// Summary is a consult as a list shows it.
type Summary struct {
	ID          int64
	Question    string
	Specialty   string
	Urgency     string
	Status      string
	Requester   Person
	Consultant  *Person
	AddressedTo *Person
	CreatedAt   time.Time
	// FirstClaimedAt and AnsweredAt give the time to first response.
	FirstClaimedAt *time.Time
	AnsweredAt     *time.Time
	OverdueAt      *time.Time
}

// Urgent reports whether the consult was asked as urgent.
func (s Summary) Urgent() bool { return s.Urgency == Urgent }

// FirstResponse is how long the consult waited for its first claim, or 0.
func (s Summary) FirstResponse() time.Duration { return since(s.CreatedAt, s.FirstClaimedAt) }
