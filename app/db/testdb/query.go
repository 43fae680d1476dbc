package testdb

import (
	"testing"

	"gorm.io/gorm"
)

// Queryer is what the query helpers run SQL on: a *gorm.DB (a transaction
// included) or a test's *DB.
type Queryer interface {
	Raw(sql string, values ...any) *gorm.DB
	Exec(sql string, values ...any) *gorm.DB
}

// A test's own query must not fail quietly: a failed SELECT count(*) reads
// as 0 and passes "want 0". These helpers fail the test instead, with the
// SQL and the error. Like t.Fatal, they belong on the test's goroutine.

// Exec runs a statement, failing the test if it errs, and returns the
// number of rows it affected.
func Exec(t testing.TB, g Queryer, sql string, args ...any) int64 {
	t.Helper()
	res := g.Exec(sql, args...)
	if res.Error != nil {
		t.Fatalf("testdb: %s: %v", sql, res.Error)
	}
	return res.RowsAffected
}

// Scalar returns the one value the query's first row holds, failing the
// test if the query errs or yields no row.
func Scalar[T any](t testing.TB, g Queryer, sql string, args ...any) T {
	t.Helper()
	var v T
	Row(t, g, sql, args...)(&v)
	return v
}

// Row runs a query and returns a function that scans its first row into
// dest, failing the test if the query errs or yields no row:
//
//	var status, role string
//	testdb.Row(t, app.DB, "SELECT status, role FROM users WHERE id = ?", id)(&status, &role)
func Row(t testing.TB, g Queryer, sql string, args ...any) func(dest ...any) {
	t.Helper()
	return func(dest ...any) {
		t.Helper()
		rows, err := g.Raw(sql, args...).Rows()
		if err != nil {
			t.Fatalf("testdb: %s: %v", sql, err)
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				t.Fatalf("testdb: %s: %v", sql, err)
			}
			t.Fatalf("testdb: %s: no row", sql)
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatalf("testdb: %s: %v", sql, err)
		}
	}
}

// Rows scans every row of a query into a slice of T (a struct, or one
// column's type), failing the test if the query errs. No row is no error.
func Rows[T any](t testing.TB, g Queryer, sql string, args ...any) []T {
	t.Helper()
	var out []T
	if err := g.Raw(sql, args...).Scan(&out).Error; err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
	return out
}
