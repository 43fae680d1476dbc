package main

import (
	"regexp"
	"strings"
	"testing"

	"curbside/app/db/testdb"
)

// The demo forum is a living one: cases across specialties with replies,
// helpful marks, an accepted answer, an outcome, an anonymous case and an
// image; seeding again adds nothing.
func TestSeedDemoStartsTheForum(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	if _, err := runCLI(t, tdb.URL, "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	var cases, specialties, replies, anonymous, images, accepted, outcomes, helpful, flagged int64
	testdb.Row(t, tdb, `SELECT count(*), count(DISTINCT specialty_id), sum(reply_count), count(*) FILTER (WHERE anonymous),
		(SELECT count(*) FROM case_images), count(*) FILTER (WHERE accepted_reply_id IS NOT NULL),
		count(*) FILTER (WHERE outcome IS NOT NULL), (SELECT coalesce(sum(helpful_count), 0) FROM replies),
		count(*) FILTER (WHERE phi_ack) FROM cases`)(&cases, &specialties, &replies, &anonymous, &images, &accepted, &outcomes, &helpful, &flagged)
	if cases < 12 || specialties < 8 || replies < 8 || anonymous < 1 || images < 1 || accepted < 1 || outcomes < 1 || helpful < 1 {
		t.Fatalf("demo forum: %d cases in %d specialties, %d replies, %d anonymous, %d images, %d accepted, %d outcomes, %d helpful",
			cases, specialties, replies, anonymous, images, accepted, outcomes, helpful)
	}
	if flagged != 0 {
		t.Fatalf("%d demo cases needed the privacy guard's override", flagged)
	}
	// Consults in every status, so the queue, a thread and a close-out show.
	statuses := testdb.Scalar[string](t, tdb, "SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM consults")
	if statuses != "answered,claimed,closed,open,withdrawn" {
		t.Fatalf("demo consults in statuses %q", statuses)
	}
	consults := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM consults")
	// A conversation in the general room and a lounge, and the claimed consults' rooms.
	chatLines := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM chat_messages")
	if rooms := testdb.Scalar[string](t, tdb, `SELECT string_agg(DISTINCT r.slug, ',' ORDER BY r.slug) FROM chat_messages m
		JOIN chat_rooms r ON r.id = m.room_id`); chatLines < 5 || rooms != "general,lounge-cardiology" {
		t.Fatalf("demo chat: %d messages in %q", chatLines, rooms)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM chat_rooms WHERE kind = 'consult'"); n == 0 {
		t.Fatal("the demo's claimed consults have no chat rooms")
	}
	// A flag waits in the moderators' queue.
	openFlags := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM flags WHERE resolved_at IS NULL")
	if openFlags != 1 {
		t.Fatalf("%d open demo flags, want 1", openFlags)
	}
	if _, err := runCLI(t, tdb.URL, "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	if again := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM flags"); again != openFlags {
		t.Fatalf("a second seed filed %d flags, want %d", again, openFlags)
	}
	if again := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM cases"); again != cases {
		t.Fatalf("seeding again made %d cases, had %d", again, cases)
	}
	if again := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM consults"); again != consults {
		t.Fatalf("seeding again made %d consults, had %d", again, consults)
	}
	if again := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM chat_messages"); again != chatLines {
		t.Fatalf("seeding again made %d chat messages, had %d", again, chatLines)
	}
}

// seed --synthetic fills the forums for benchmarks: long-tailed replies,
// searchable text, and one line of progress per batch.
func TestSeedSynthetic(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	out, err := runCLI(t, tdb.URL, "seed", "--synthetic", "--cases", "300")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`synthetic data: \d+ members, 300 cases, \d+ posts, 30 consults in`).MatchString(out) {
		t.Fatalf("output %q", out)
	}
	var cases, maxReplies, replies, counted int64
	testdb.Row(t, tdb, "SELECT count(*), max(reply_count), sum(reply_count), (SELECT count(*) FROM replies) FROM cases")(
		&cases, &maxReplies, &replies, &counted)
	if cases != 300 || maxReplies > 200 || replies != counted || counted == 0 {
		t.Fatalf("%d cases, at most %d replies, %d counted against %d stored", cases, maxReplies, replies, counted)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM cases WHERE search @@ websearch_to_tsquery('english', 'pain')"); n == 0 {
		t.Fatal("synthetic cases are not searchable")
	}
	// Consults in every status; each claimed one by a member of its specialty, with its timeline.
	var consults, statuses, foreign, untold int64
	testdb.Row(t, tdb, `SELECT count(*), count(DISTINCT status),
		count(*) FILTER (WHERE consultant_id IS NOT NULL AND (SELECT specialty_id FROM users WHERE id = consultant_id) <> specialty_id),
		count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM consult_events e WHERE e.consult_id = consults.id AND e.to_status = consults.status))
		FROM consults`)(&consults, &statuses, &foreign, &untold)
	if consults != 30 || statuses != 5 || foreign != 0 || untold != 0 {
		t.Fatalf("%d consults in %d statuses, %d claimed outside their specialty, %d without their last move", consults, statuses, foreign, untold)
	}
	if _, err := runCLI(t, tdb.URL, "seed", "--synthetic", "--cases", "0"); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Fatalf("--cases 0: %v", err)
	}
}
