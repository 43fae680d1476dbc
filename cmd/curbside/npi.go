package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"curbside/app/db"
	"curbside/app/verification/registry"
)

// npiCmd loads an NPPES data dissemination file into the registry table.
func npiCmd(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 2 || args[0] != "import" {
		return usageError("usage: curbside npi import FILE (npidata_pfile_*.csv or the NPPES zip)")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	gdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	stats, err := registry.ImportFile(ctx, gdb, args[1], registry.ImportOptions{
		Progress: func(s registry.ImportStats) {
			fmt.Fprintf(os.Stderr, "npi import: %d rows read, %d upserted, %d malformed\n", s.Rows, s.Upserted, s.Malformed)
		},
		OnProblem: func(line int, reason string) {
			fmt.Fprintf(os.Stderr, "npi import: line %d skipped: %s\n", line, reason)
		},
	})
	if err != nil {
		return fmt.Errorf("npi import %s: %w", args[1], err)
	}
	fmt.Fprintf(out, "imported %d rows: %d upserted, %d malformed\n", stats.Rows, stats.Upserted, stats.Malformed)
	return nil
}
