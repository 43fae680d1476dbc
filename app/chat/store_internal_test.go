package chat

import (
	"context"
	"testing"
	"time"

	"curbside/app/db/testdb"
)

// A message the database refuses fails alone: the others that shared its
// statement are stored and answered, and the next send is not held up.
func TestABadMessageDoesNotFailItsBatch(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	author := testdb.Member(t, tdb, testdb.Verified)
	st := &storer{db: tdb.DB}
	now := time.Now().UTC()
	unsent := func(clientID, body string) *unsaved {
		return &unsaved{msg: &Message{Room: "general", AuthorID: author.ID, ClientID: clientID, Body: body, HTML: "<p>x</p>", CreatedAt: now},
			lead: make(chan []*unsaved, 1)}
	}
	good1, bad, good2 := unsent("a", "fine"), unsent("b", "a NUL \x00 here"), unsent("c", "fine too")
	st.inFlight = 1 // as the send that runs the statement
	st.run(context.Background(), []*unsaved{good1, bad, good2})
	if !good1.stored || !good2.stored || good1.err != nil || good2.err != nil {
		t.Fatalf("the good messages: stored %v/%v, errors %v/%v", good1.stored, good2.stored, good1.err, good2.err)
	}
	if bad.stored || bad.err == nil {
		t.Fatalf("the bad message: stored %v, error %v", bad.stored, bad.err)
	}
	if n := testdb.Scalar[int64](t, tdb, `SELECT count(*) FROM chat_messages WHERE author_id = ?`, author.ID); n != 2 {
		t.Fatalf("%d messages stored, want 2", n)
	}
	if st.inFlight != 0 {
		t.Fatalf("%d statements still counted in flight", st.inFlight)
	}
	if stored, err := st.write(context.Background(), unsent("d", "next").msg, false); !stored || err != nil {
		t.Fatalf("the next send: stored %v, %v", stored, err)
	}
}
