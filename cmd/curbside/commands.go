package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/notify"
	"curbside/app/ratelimit"
	"curbside/app/seed"
	"curbside/app/web"
	"curbside/config"
)

func loadConfig(getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	return cfg, nil
}

// openDB connects to DATABASE_URL, or to the local private cluster when it is unset.
func openDB(ctx context.Context, cfg config.Config) (*gorm.DB, error) {
	url := cfg.DatabaseURL
	if url == "" {
		var err error
		if url, err = (db.LocalCluster{Root: cfg.DataDir}).AppURL(ctx); err != nil {
			return nil, err
		}
	}
	return db.Open(ctx, url, db.DefaultPool)
}

func serve(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) > 0 {
		return usageError("serve takes no arguments")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	cfg.AddOAuth(getenv, config.OAuthNames(os.Environ())...)
	gdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	srv, err := web.New(cfg, gdb, slog.Default())
	if err != nil {
		return err
	}
	mailer, err := newMailer(cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { notify.NewSender(gdb, mailer, slog.Default()).Run(ctx, 5*time.Second) })
	wg.Go(func() { housekeeping(ctx, srv.Accounts(), ratelimit.New(gdb)) })
	err = srv.Run(ctx)
	cancel()  // the server has stopped, by signal or because it could not listen
	wg.Wait() // let the sender finish the message in hand
	return err
}

// housekeeping deletes what has expired, every few minutes, on every
// instance; the deletes are idempotent, so instances need not agree.
func housekeeping(ctx context.Context, acct *accounts.Service, limits *ratelimit.Limiter) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := errors.Join(acct.PruneExpired(ctx), limits.Prune(ctx, 24*time.Hour)); err != nil && ctx.Err() == nil {
			slog.Error("housekeeping", slog.String("error", err.Error()))
		}
	}
}

// newMailer sends through CURBSIDE_SMTP_URL, or logs mail when it is unset.
func newMailer(cfg config.Config) (notify.Mailer, error) {
	if cfg.SMTPURL == "" {
		return notify.LogMailer{Log: slog.Default()}, nil
	}
	return notify.NewSMTPMailer(cfg.SMTPURL, "curbside@"+cfg.BaseURL.Hostname())
}

func migrate(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	action := "up"
	if len(args) > 0 {
		action = args[0]
	}
	if len(args) > 1 || (action != "up" && action != "down" && action != "status") {
		return usageError("usage: curbside migrate [up|down|status]")
	}
	return withDB(ctx, getenv, func(_ config.Config, gdb *gorm.DB) error {
		switch action {
		case "down":
			return db.MigrateDown(ctx, gdb, out)
		case "status":
			return db.MigrateStatus(ctx, gdb, out)
		}
		return db.MigrateUp(ctx, gdb, out)
	})
}

// withDB loads the configuration, opens the database for fn and closes it after.
func withDB(ctx context.Context, getenv func(string) string, fn func(config.Config, *gorm.DB) error) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	gdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	return fn(cfg, gdb)
}

// withAccounts opens the database and hands fn the account rules.
func withAccounts(ctx context.Context, getenv func(string) string, fn func(*accounts.Service) error) error {
	return withDB(ctx, getenv, func(cfg config.Config, gdb *gorm.DB) error {
		if err := cfg.EnsureSecret(); err != nil {
			return err
		}
		return fn(accounts.NewService(gdb, audit.New(gdb), cfg.SessionIdle, cfg.SessionLifetime, cfg.Secret))
	})
}

func userCmd(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError("usage: curbside user create --email E --password P --name N [--role member|moderator|admin] [--verified] [--specialty SLUG]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password, at least 12 characters")
	name := fs.String("name", "", "display name")
	role := fs.String("role", identity.RoleMember, "member, moderator or admin")
	verified := fs.Bool("verified", false, "create the account already verified")
	specialty := fs.String("specialty", "", "specialty slug")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError("user create: " + err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("user create: unexpected argument %q", fs.Arg(0)))
	}
	if *role != identity.RoleMember && *role != identity.RoleModerator && *role != identity.RoleAdmin {
		return usageError(fmt.Sprintf("user create: --role must be member, moderator or admin, not %q", *role))
	}
	status := identity.StatusUnverified
	if *verified {
		status = identity.StatusVerified
	}
	return withAccounts(ctx, getenv, func(acct *accounts.Service) error {
		u, err := acct.Create(ctx, accounts.NewAccount{Email: *email, Password: *password, DisplayName: *name,
			Role: *role, Status: status, Specialty: *specialty}, 0, accounts.Meta{})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "created user id=%d email=%s handle=%s\n", u.ID, u.Email, u.Handle)
		return nil
	})
}

func seedCmd(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.Bool("demo", false, "demo accounts and sample content")
	synthetic := fs.Bool("synthetic", false, "a large synthetic data set")
	n := fs.Int("cases", 1000, "number of synthetic cases")
	if err := fs.Parse(args); err != nil {
		return usageError("seed: " + err.Error())
	}
	switch {
	case *demo && !*synthetic:
		return withAccounts(ctx, getenv, func(acct *accounts.Service) error { return seed.Demo(ctx, acct, out) })
	case *synthetic && !*demo:
		if *n < 1 {
			return usageError("seed: --cases must be at least 1")
		}
		return usageError("seed --synthetic: no synthetic data yet (it comes with the case forums)")
	}
	return usageError("usage: curbside seed --demo | curbside seed --synthetic --cases N")
}

// devdb manages the private PostgreSQL cluster used when DATABASE_URL is unset.
func devdb(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 1 {
		return usageError("usage: curbside devdb start|stop|url")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	lc := db.LocalCluster{Root: cfg.DataDir}
	switch args[0] {
	case "start", "url":
		url, err := lc.AppURL(ctx)
		if err != nil {
			return err
		}
		if args[0] == "url" {
			fmt.Fprintln(out, url)
		} else {
			fmt.Fprintln(os.Stderr, "local PostgreSQL is running")
		}
		return nil
	case "stop":
		return lc.Stop()
	}
	return usageError("usage: curbside devdb start|stop|url")
}
