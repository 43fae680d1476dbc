package cases

import (
	"sync"
)

// threadCache keeps each case's replies as they were read, with the case's
// replies_version at that moment (migration 00021). A case page asks
// PostgreSQL for the replies only when the version it reads has moved, so
// the rows are never stale on any instance: the version is the database's.
// What differs by reader (marks, "new", "mine", a moderator's view of a
// hidden reply) is worked out per request from the kept rows.
type threadCache struct {
	mu      sync.Mutex
	threads map[int64]keptThread
	limit   int
}

// keptThread is a case's replies at one version, shared by every request
// that reads them: never changed once kept.
type keptThread struct {
	version int64
	replies []keptReply
}

// keptReply is a reply as every reader may see it, with its author's id so
// that a request can tell whether it is the reader's.
type keptReply struct {
	Reply
	authorID int64
}

// threadLimit bounds the cases kept: about 20 KB each for a long thread.
const threadLimit = 2000

func newThreadCache(limit int) *threadCache {
	return &threadCache{threads: make(map[int64]keptThread), limit: limit}
}

// get returns the kept replies of a case, or a version no case has (-1)
// when none are kept.
func (t *threadCache) get(caseID int64) keptThread {
	t.mu.Lock()
	defer t.mu.Unlock()
	if kept, ok := t.threads[caseID]; ok {
		return kept
	}
	return keptThread{version: -1}
}

// put keeps a case's replies at version, unless a later version is kept
// already (two requests that read at once).
func (t *threadCache) put(caseID int64, kept keptThread) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.threads[caseID]; ok && old.version > kept.version {
		return
	}
	if _, ok := t.threads[caseID]; !ok && len(t.threads) >= t.limit {
		for id := range t.threads { // any one: a busy case is soon read back
			delete(t.threads, id)
			break
		}
	}
	t.threads[caseID] = kept
}
