package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"gorm.io/gorm"

	"curbside/app"
	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/seed"
	"curbside/config"
)

func loadConfig(getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	return cfg, nil
}

// openDB connects to DATABASE_URL, or to the local private cluster when it
// is unset, whose URL it then records in cfg.
func openDB(ctx context.Context, cfg *config.Config) (*gorm.DB, error) {
	if cfg.DatabaseURL == "" {
		url, err := (db.LocalCluster{Root: cfg.DataDir}).AppURL(ctx)
		if err != nil {
			return nil, err
		}
		cfg.DatabaseURL = url
	}
	return db.Open(ctx, cfg.DatabaseURL, db.DefaultPool)
}

func serve(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) > 0 {
		return usageError("serve takes no arguments")
	}
	return withApp(ctx, getenv, true, func(a *app.App) error { return a.Serve(ctx) })
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
	gdb, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	return fn(cfg, gdb)
}

// withApp builds the instance, as serve does, and hands it to fn: every
// command runs the same rules with the same wiring. Sign-in providers, whose
// discovery may reach out to the network, are set up only for serving.
func withApp(ctx context.Context, getenv func(string) string, serving bool, fn func(*app.App) error) error {
	return withDB(ctx, getenv, func(cfg config.Config, gdb *gorm.DB) error {
		if err := cfg.EnsureSecret(); err != nil {
			return err
		}
		if serving {
			if err := cfg.AddOAuth(getenv, config.OAuthNames(os.Environ())...); err != nil {
				return err
			}
		}
		a, err := app.New(cfg, gdb, slog.Default())
		if err != nil {
			return err
		}
		return fn(a)
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
	return withApp(ctx, getenv, false, func(a *app.App) error {
		u, err := a.Accounts.Create(ctx, accounts.NewAccount{Email: *email, Password: *password, DisplayName: *name,
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
		return withApp(ctx, getenv, false, func(a *app.App) error {
			return seed.Demo(ctx, a.Accounts, a.Cases, a.Moderation, a.Consults, a.Chat, out)
		})
	case *synthetic && !*demo:
		if *n < 1 {
			return usageError("seed: --cases must be at least 1")
		}
		return withDB(ctx, getenv, func(_ config.Config, gdb *gorm.DB) error { return seed.Synthetic(ctx, gdb, *n, out) })
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
