package db

import (
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// directCounts holds the counters of pools whose statements are counted,
// for the statements QueryRow and Query run without GORM's callbacks.
var directCounts sync.Map // gorm.ConnPool → *atomic.Int64

func countDirect(gdb *gorm.DB) {
	if n, ok := directCounts.Load(gdb.Config.ConnPool); ok {
		n.(*atomic.Int64).Add(1)
	}
}

// CountQueries counts every statement run through gdb (GORM's and
// QueryRow's) from now on, so tests can check that a page's query count
// does not grow with its rows. The first call registers GORM callbacks,
// which must not happen while statements run (a test server registers
// them before its runners start); later calls for the same pool start its
// counter again from zero.
func CountQueries(gdb *gorm.DB) (*atomic.Int64, error) {
	if n, ok := directCounts.Load(gdb.Config.ConnPool); ok {
		n.(*atomic.Int64).Store(0)
		return n.(*atomic.Int64), nil
	}
	n := new(atomic.Int64)
	directCounts.Store(gdb.Config.ConnPool, n)
	inc := func(*gorm.DB) { n.Add(1) }
	cb := gdb.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("curbside:count_query", inc),
		cb.Row().After("gorm:row").Register("curbside:count_row", inc),
		cb.Raw().After("gorm:raw").Register("curbside:count_raw", inc),
		cb.Create().After("gorm:create").Register("curbside:count_create", inc),
		cb.Update().After("gorm:update").Register("curbside:count_update", inc),
		cb.Delete().After("gorm:delete").Register("curbside:count_delete", inc),
	} {
		if err != nil {
			return nil, err
		}
	}
	return n, nil
}
