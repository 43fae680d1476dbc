package chat

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"curbside/app/apperr"
)

// A member may send a message a second on average, in bursts of ten: more
// than anyone types, less than a runaway script. The limit is per instance
// and kept in memory: a message is already a transaction, and a counter row
// in the database on every one would halve what the store can take.
const (
	sendRate  = rate.Limit(1)
	sendBurst = 10
	// idleLimiter is how long an unused member's bucket is kept.
	idleLimiter = 10 * time.Minute
)

// senders keeps one token bucket per member.
type senders struct {
	mu      sync.Mutex
	r       rate.Limit
	burst   int
	buckets map[int64]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newSenders(r rate.Limit, burst int) *senders {
	return &senders{r: r, burst: burst, buckets: map[int64]*bucket{}}
}

// allow takes a token for the member, or says how long to wait.
func (s *senders) allow(userID int64, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.swept) > idleLimiter {
		for id, b := range s.buckets {
			if now.Sub(b.used) > idleLimiter {
				delete(s.buckets, id)
			}
		}
		s.swept = now
	}
	b := s.buckets[userID]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(s.r, s.burst)}
		s.buckets[userID] = b
	}
	b.used = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return &apperr.RateLimited{RetryAfter: d}
	}
	return nil
}
