package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"gorm.io/gorm"

	"curbside/app/verification/registry"
	"curbside/config"
)

// npiCmd loads an NPPES data dissemination file into the registry table.
func npiCmd(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 2 || args[0] != "import" {
		return usageError("usage: curbside npi import FILE (npidata_pfile_*.csv or the NPPES zip)")
	}
	return withDB(ctx, getenv, func(_ config.Config, gdb *gorm.DB) error {
		return importNPI(ctx, gdb, args[1], out)
	})
}

func importNPI(ctx context.Context, gdb *gorm.DB, file string, out io.Writer) error {
	stats, err := registry.ImportFile(ctx, gdb, file, registry.ImportOptions{
		Progress: func(s registry.ImportStats) {
			fmt.Fprintf(os.Stderr, "npi import: %d rows read, %d upserted, %d malformed\n", s.Rows, s.Upserted, s.Malformed)
		},
		OnProblem: func(line int, reason string) {
			fmt.Fprintf(os.Stderr, "npi import: line %d skipped: %s\n", line, reason)
		},
	})
	if err != nil {
		return fmt.Errorf("npi import %s: %w", file, err)
	}
	fmt.Fprintf(out, "imported %d rows: %d upserted, %d malformed\n", stats.Rows, stats.Upserted, stats.Malformed)
	return nil
}
