package db_test

import (
	"context"
	"testing"

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
	rows, err := db.Query(context.Background(), tdb.DB, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if n.Load() != 4 {
		t.Fatalf("counted %d, want 4", n.Load())
	}
}
