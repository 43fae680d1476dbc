// Command curbside is the Curbside server and its administration commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"curbside/app/apperr"
)

// gcPercent is the garbage collector's target when GOGC is unset. A page
// allocates a few hundred kilobytes and the live heap is a few megabytes,
// so at Go's default of 100 the collector ran after every few dozen
// requests and took a tenth of the CPU; four times the headroom costs tens
// of megabytes.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	logs := newLogWriter(os.Stderr, 200*time.Millisecond)
	slog.SetDefault(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	logs.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "curbside: "+oneLine(err))
		os.Exit(1)
	}
}

// usageError is a mistake in the command line itself.
type usageError string

func (u usageError) Error() string { return string(u) }

const usage = "usage: curbside [serve | migrate up|down|status | user create ... | seed --demo | seed --synthetic --cases N | npi import FILE | devdb start|stop|url]"

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv)
	case "migrate":
		return migrate(ctx, args, getenv, out)
	case "user":
		return userCmd(ctx, args, getenv, out)
	case "seed":
		return seedCmd(ctx, args, getenv, out)
	case "npi":
		return npiCmd(ctx, args, getenv, out)
	case "devdb":
		return devdb(ctx, args, getenv, out)
	case "help", "-h", "--help":
		fmt.Fprintln(out, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q; %s", cmd, usage))
}

// oneLine turns any error into a single line for the terminal.
func oneLine(err error) string {
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		keys := make([]string, 0, len(fe))
		for k := range fe {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + fe[k]
		}
		return strings.Join(parts, "; ")
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
