package db

import (
	"context"
	"fmt"
	"io"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"

	"curbside/migrations"
)

// newProvider builds a goose provider over the embedded migrations. The
// session lock lets several instances start at once without racing.
func newProvider(gdb *gorm.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, SQL(gdb), migrations.FS, goose.WithSessionLocker(locker))
}

// MigrateUp applies every pending migration and reports each one to out.
func MigrateUp(ctx context.Context, gdb *gorm.DB, out io.Writer) error {
	p, err := newProvider(gdb)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		fmt.Fprintf(out, "applied %s (%s)\n", r.Source.Path, r.Duration.Round(1e6))
	}
	if err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	if len(results) == 0 {
		fmt.Fprintln(out, "no pending migrations")
	}
	return nil
}

// MigrateDown rolls back the most recent migration.
func MigrateDown(ctx context.Context, gdb *gorm.DB, out io.Writer) error {
	p, err := newProvider(gdb)
	if err != nil {
		return err
	}
	r, err := p.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	fmt.Fprintf(out, "rolled back %s\n", r.Source.Path)
	return nil
}

// MigrateStatus prints each migration with whether it is applied.
func MigrateStatus(ctx context.Context, gdb *gorm.DB, out io.Writer) error {
	p, err := newProvider(gdb)
	if err != nil {
		return err
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	for _, s := range statuses {
		at := "pending"
		if s.State == goose.StateApplied {
			at = "applied " + s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(out, "%-40s %s\n", s.Source.Path, at)
	}
	return nil
}
