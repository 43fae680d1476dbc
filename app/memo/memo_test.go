package memo_test

import (
	"sync"
	"testing"

	"curbside/app/memo"
)

func TestMapKeepsAtMostItsLimitAndTheLastValue(t *testing.T) {
	m := memo.New[int, string](3)
	for i := range 10 {
		m.Put(i, "v")
	}
	if m.Len() != 3 {
		t.Fatalf("kept %d values, want the limit, 3", m.Len())
	}
	m.Put(42, "old")
	m.Put(42, "new")
	if v, ok := m.Get(42); !ok || v != "new" {
		t.Fatalf("Get(42) = %q, %v; want the last value put", v, ok)
	}
	if m.Len() != 3 {
		t.Fatalf("putting a kept key again changed the count to %d", m.Len())
	}
	if _, ok := m.Get(-1); ok {
		t.Fatal("a key never put was found")
	}
}

func TestMapIsSafeForConcurrentUse(t *testing.T) {
	m := memo.New[int, int](50)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				m.Put(g*1000+i, i)
				m.Get(i)
			}
		}()
	}
	wg.Wait()
	if m.Len() != 50 {
		t.Fatalf("kept %d values after concurrent puts, want 50", m.Len())
	}
}
