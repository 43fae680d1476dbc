// Package cases holds the case-discussion forums: de-identified cases,
// replies, helpful marks, accepted answers, outcomes, follows, drafts and
// search. An anonymous post's author is stored but never shown to members.
package cases

import (
	"html/template"
	"time"
)

// CareSettings are where a case was seen; its patient's age band and sex
// are phi.AgeBands and phi.Sexes.
var CareSettings = []string{"outpatient", "inpatient", "emergency", "icu", "rural", "telehealth"}

// Author is who a member sees behind a post: a colleague, or, with no
// handle, "Anonymous <specialty>" and nothing else to go on.
type Author struct {
	Handle      string // empty for an anonymous post
	DisplayName string
	Specialty   string
}

// Summary is a case in a list.
type Summary struct {
	ID             int64
	Title          string
	Specialty      string
	SpecialtySlug  string
	Author         Author
	Tags           []string
	ReplyCount     int
	HasOutcome     bool
	Answered       bool
	CreatedAt      time.Time
	LastActivityAt time.Time
	// Unread: never opened by the viewer; NewReplies: replies since they last looked.
	Unread     bool
	NewReplies int
}

// Case is one case as its page shows it.
type Case struct {
	Summary
	SpecialtyID     int16
	Body            string
	BodyHTML        template.HTML
	AgeBand         string
	Sex             string
	CareSetting     string
	Outcome         string
	OutcomeHTML     template.HTML
	OutcomeAt       *time.Time
	AcceptedReplyID int64
	EditedAt        *time.Time
	Images          []Image
	// Hidden by a moderator: members are told it was removed.
	Hidden bool
	// What the viewer may do and has done.
	Mine      bool
	Following bool
	// LastReadReplyID is the newest reply the viewer had seen before this visit.
	LastReadReplyID int64
	// ReplyDraft is what the viewer was writing in reply, kept as a draft.
	ReplyDraft string
	// markedHelpful are the replies the viewer has marked helpful.
	markedHelpful []int64
	// authorID and version (of the case's page: pageCache) are for keeping it.
	authorID, version int64
}

// Image is a picture attached to a case, served only to verified members
// and named by its place in the case, never by its file.
type Image struct {
	Position int
}

// Reply is one answer in a case's discussion.
type Reply struct {
	ID           int64
	CaseID       int64
	Author       Author
	Body         string
	BodyHTML     template.HTML
	HelpfulCount int
	MarkedByMe   bool
	Mine         bool
	Accepted     bool
	New          bool
	CreatedAt    time.Time
	EditedAt     *time.Time
	Deleted      bool
	// Hidden by a moderator: members see that it was removed, moderators
	// still read it.
	Hidden bool
}
