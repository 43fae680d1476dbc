// Package memo holds what a server keeps between requests, such as pages
// kept while their version in the database stands: a bounded map safe for
// concurrent use. It is pure: no database, no web.
package memo

import "sync"

// Map keeps at most limit values. A new key past the limit evicts one at
// random: what is busy is soon read back, and nothing kept is ever the
// only copy. Values are shared by every request that gets them and must
// not be changed once put.
type Map[K comparable, V any] struct {
	mu    sync.Mutex
	m     map[K]V
	limit int
}

// New returns a Map that keeps at most limit values.
func New[K comparable, V any](limit int) *Map[K, V] {
	return &Map[K, V]{m: make(map[K]V), limit: max(limit, 1)}
}

// Get returns the value kept for k.
func (m *Map[K, V]) Get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[k]
	return v, ok
}

// Put keeps v for k, in place of any value kept before: the caller read v
// last, and a reader that finds it stale reads again.
func (m *Map[K, V]) Put(k K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[k]; !ok && len(m.m) >= m.limit {
		for old := range m.m {
			delete(m.m, old)
			break
		}
	}
	m.m[k] = v
}

// Len is how many values are kept.
func (m *Map[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}
