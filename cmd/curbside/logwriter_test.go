package main

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Log lines are batched, but none waits longer than the interval, and
// closing writes out the rest.
func TestLogWriterFlushesOnTimeAndOnClose(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	w := newLogWriter(&out, 20*time.Millisecond)
	if _, err := w.Write([]byte("first\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for out.String() != "first\n" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if out.String() != "first\n" {
		t.Fatalf("after the interval the log holds %q", out.String())
	}
	long := newLogWriter(&out, time.Hour)
	if _, err := long.Write([]byte("last\n")); err != nil {
		t.Fatal(err)
	}
	if err := long.Close(); err != nil || out.String() != "first\nlast\n" {
		t.Fatalf("after Close the log holds %q (%v)", out.String(), err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
