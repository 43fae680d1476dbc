package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"

	"curbside/app/notify"
)

// Runner is a background loop that lives as long as the instance: it
// returns nil when its context ends, or an error when it cannot go on.
type Runner struct {
	Name string
	Run  func(ctx context.Context) error
}

// Restart policy: a runner that fails is logged and started again after a
// pause that grows; one that keeps failing stops the process, so that an
// orchestrator notices instead of the instance limping on without it.
var (
	firstRestartDelay = time.Second
	maxRestartDelay   = time.Minute
	maxFailures       = 5
	// failureMemory is how long a runner must run cleanly before its
	// earlier failures are forgiven.
	failureMemory = 10 * time.Minute
)

func (a *App) backgroundRunners() []Runner {
	sender := notify.NewSender(a.DB, a.mailer, a.Log)
	report := func(what string) func(error) {
		return func(err error) { a.Log.Error(what, slog.String("error", err.Error())) }
	}
	runners := []Runner{
		{Name: "bus-listener", Run: a.listener.Run},
		{Name: "session-last-seen", Run: func(ctx context.Context) error {
			return a.Accounts.RunLastSeen(ctx, 5*time.Second, report("session last-seen"))
		}},
		{Name: "mail-sender", Run: func(ctx context.Context) error { return sender.Run(ctx, 5*time.Second) }},
		{Name: "housekeeping", Run: every(10*time.Minute, report("housekeeping"), func(ctx context.Context) error {
			return errors.Join(a.Accounts.PruneExpired(ctx), a.Limits.Prune(ctx, 24*time.Hour))
		})},
		{Name: "chat-hub", Run: a.ChatHub.Run},
		{Name: "notification-digests", Run: every(10*time.Minute, report("notification digests"), func(ctx context.Context) error {
			_, err := a.Notify.SendDigests(ctx)
			return err
		})},
		{Name: "consult-reminders", Run: every(time.Minute, report("consult reminders"), func(ctx context.Context) error {
			_, err := a.Consults.RemindOverdue(ctx)
			return err
		})},
		{Name: "verification-reminders", Run: every(10*time.Minute, report("verification reminders"), func(ctx context.Context) error {
			_, err := a.Verification.RemindOverdue(ctx, time.Now())
			return err
		})},
	}
	if a.Config.PprofAddr != "" {
		runners = append(runners, a.pprofRunner())
	}
	return runners
}

// RunRunners runs every background runner, each supervised, until ctx
// ends; it returns early with an error when one of them gives up.
func (a *App) RunRunners(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, r := range a.runners {
		g.Go(func() error { return supervise(ctx, a.Log, r) })
	}
	return g.Wait()
}

// Serve runs the web server and every runner until ctx ends or one of them
// fails for good. Shutdown goes in order: the web server stops taking
// requests and drains those in flight (closing long-lived connections),
// then the runners are told to stop and finish what they hold.
func (a *App) Serve(ctx context.Context) error {
	runCtx, stopRunners := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRunners()
	webCtx, stopWeb := context.WithCancel(ctx)
	defer stopWeb()
	runErr := make(chan error, 1)
	go func() {
		err := a.RunRunners(runCtx)
		stopWeb() // a runner that gave up stops the instance
		runErr <- err
	}()
	webErr := a.Web.Run(webCtx)
	stopRunners()
	return errors.Join(webErr, <-runErr)
}

// supervise runs r until ctx ends, restarting it after failures and panics,
// and gives up after maxFailures in a row.
func supervise(ctx context.Context, log *slog.Logger, r Runner) error {
	delay, failures := firstRestartDelay, 0
	for {
		started := time.Now()
		err := runOnce(ctx, r)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("stopped on its own")
		}
		if time.Since(started) > failureMemory {
			delay, failures = firstRestartDelay, 0
		}
		failures++
		log.Error("runner failed", slog.String("runner", r.Name), slog.String("error", err.Error()),
			slog.Int("failures", failures))
		if failures >= maxFailures {
			return fmt.Errorf("runner %s failed %d times in a row: %w", r.Name, failures, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = min(2*delay, maxRestartDelay)
	}
}

// runOnce turns a panic in r into an error, so one bad loop cannot take the
// instance down without a word.
func runOnce(ctx context.Context, r Runner) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return r.Run(ctx)
}

// every runs pass every interval, the first an interval after the start,
// until ctx ends: nothing is due in a process just started that the other
// instances have not done, and a test server's first moments stay its
// test's own. Every instance runs it, so a pass must be safe on several at
// once: it claims what is due (SKIP LOCKED) or does only what is
// idempotent (deleting what has expired). A failed pass is reported and
// tried again at the next tick; it does not stop the runner.
func every(interval time.Duration, report func(error), pass func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
			if err := pass(ctx); err != nil && ctx.Err() == nil {
				report(err)
			}
		}
	}
}
