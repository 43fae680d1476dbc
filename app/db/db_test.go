package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"curbside/app/db"
	"curbside/app/db/testdb"
)

func TestConnectionsCarryTimeouts(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	var stmt, idle string
	if err := tdb.Raw("SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')").Row().Scan(&stmt, &idle); err != nil {
		t.Fatal(err)
	}
	if stmt != "30s" || idle != "1min" {
		t.Fatalf("statement_timeout=%s idle_in_transaction_session_timeout=%s", stmt, idle)
	}
	if max := db.SQL(tdb.DB).Stats().MaxOpenConnections; max == 0 {
		t.Fatal("the pool is unbounded")
	}
}

func TestSpecialtiesAreSeeded(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	want := []string{"allergy-immunology", "anesthesiology", "cardiology", "dermatology", "emergency-medicine", "endocrinology",
		"family-medicine", "gastroenterology", "general-surgery", "hematology-oncology", "infectious-disease", "internal-medicine",
		"nephrology", "neurology", "obstetrics-gynecology", "ophthalmology", "orthopedic-surgery", "otolaryngology", "pathology",
		"pediatrics", "psychiatry", "pulmonology", "radiology", "rheumatology", "urology"}
	var got []string
	if err := tdb.Raw("SELECT slug FROM specialties ORDER BY slug").Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d specialties, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("specialty %d is %q, want %q", i, got[i], want[i])
		}
	}
}

func TestQueryCounter(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	n, err := db.CountQueries(tdb.DB)
	if err != nil {
		t.Fatal(err)
	}
	var x int
	if err := tdb.Raw("SELECT 1").Scan(&x).Error; err != nil || x != 1 {
		t.Fatalf("SELECT 1 gave %d, err %v", x, err)
	}
	if err := tdb.Exec("SELECT 1").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(context.Background(), tdb.DB, "SELECT $1::int", 2).Scan(&x); err != nil || x != 2 {
		t.Fatalf("QueryRow gave %d, err %v", x, err)
	}
	if err := db.ScanRow(context.Background(), tdb.DB, "SELECT 1", nil, &x); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 4 {
		t.Fatalf("counted %d, want 4", n.Load())
	}
}

// A batch reads its results in order in one round trip, each query counted;
// inside a transaction it refuses rather than reading outside it.
func TestBatch(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	n, err := db.CountQueries(tdb.DB)
	if err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue("SELECT $1::int + 1", 41)
	b.Queue("SELECT g FROM generate_series(1, $1::int) g", 3)
	var first, sum int
	err = db.Batch(context.Background(), tdb.DB, b, func(res pgx.BatchResults) error {
		if err := res.QueryRow().Scan(&first); err != nil {
			return err
		}
		rows, err := res.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g int
			if err := rows.Scan(&g); err != nil {
				return err
			}
			sum += g
		}
		return rows.Err()
	})
	if err != nil || first != 42 || sum != 6 || n.Load() != 2 {
		t.Fatalf("batch gave %d and %d (err %v), counted %d; want 42, 6 and 2", first, sum, err, n.Load())
	}
	err = db.Tx(context.Background(), tdb.DB, func(ctx context.Context) error {
		return db.Batch(ctx, tdb.DB, &pgx.Batch{}, func(pgx.BatchResults) error { return nil })
	})
	if !errors.Is(err, db.ErrBatchInTx) {
		t.Fatalf("a batch in a transaction gave %v, want ErrBatchInTx", err)
	}
}

// traceRecorder is a GORM logger that keeps what it is asked to trace.
type traceRecorder struct {
	logger.Interface
	traced []string
}

func (r *traceRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	sql, _ := fc()
	r.traced = append(r.traced, fmt.Sprintf("%s → %v", sql, err != nil))
}

// Statements run beside GORM reach its logger, which logs the slow and the
// failed ones: the hot path's queries are not invisible to the operator.
func TestDirectQueriesAreTraced(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	rec := &traceRecorder{Interface: logger.Discard}
	g := tdb.DB.Session(&gorm.Session{Logger: rec})
	var x int
	if err := db.QueryRow(context.Background(), g, "SELECT 1").Scan(&x); err != nil {
		t.Fatal(err)
	}
	if err := db.ScanRow(context.Background(), g, "SELECT nonsense FROM nowhere", nil, &x); err == nil {
		t.Fatal("a bad query ran")
	}
	b := &pgx.Batch{}
	b.Queue("SELECT 1")
	if err := db.Batch(context.Background(), g, b, func(res pgx.BatchResults) error { return res.QueryRow().Scan(&x) }); err != nil {
		t.Fatal(err)
	}
	want := []string{"SELECT 1 → false", "SELECT nonsense FROM nowhere → true", "batch of 1 queries → false"}
	if fmt.Sprint(rec.traced) != fmt.Sprint(want) {
		t.Fatalf("traced %q, want %q", rec.traced, want)
	}
}

// The hot path's queries take their turns at the pool's gate in the order
// they came, and one that gives up waiting leaves with its context's error.
func TestGateServesInTurn(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	narrow, err := db.Open(context.Background(), tdb.URL, db.PoolOptions{MaxOpen: 1, MaxIdle: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(narrow)

	// A batch holds the only turn until released.
	release, holding := make(chan struct{}), make(chan struct{})
	go func() {
		b := &pgx.Batch{}
		b.Queue("SELECT 1")
		_ = db.Batch(context.Background(), narrow, b, func(res pgx.BatchResults) error {
			close(holding)
			<-release
			var x int
			return res.QueryRow().Scan(&x)
		})
	}()
	<-holding

	waiting, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var x int
	if err := db.ScanRow(waiting, narrow, "SELECT 1", nil, &x); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a query that gave up waiting returned %v", err)
	}

	// The database numbers the queries as they run, one at a time through
	// the single connection: that is the order they were served in.
	testdb.Exec(t, tdb.DB, "CREATE SEQUENCE served")
	type turn struct{ query, place int }
	turns := make(chan turn, 3)
	for i := range 3 {
		go func() {
			var place int
			if err := db.ScanRow(context.Background(), narrow, "SELECT nextval('served')::int", nil, &place); err == nil {
				turns <- turn{i, place}
			}
		}()
		time.Sleep(100 * time.Millisecond) // each in the queue before the next
	}
	close(release)
	for range 3 {
		if got := <-turns; got.place != got.query+1 {
			t.Fatalf("query %d served in place %d", got.query, got.place-1)
		}
	}
}
