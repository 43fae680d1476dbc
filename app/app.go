// Package app is Curbside's composition root: it builds every service, the
// web server and the background runners once, for `serve` and the command
// line alike.
package app

import (
	"log/slog"
	"slices"

	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/audit"
	"curbside/app/cases"
	"curbside/app/chat"
	"curbside/app/consults"
	"curbside/app/files"
	"curbside/app/moderation"
	"curbside/app/notify"
	"curbside/app/profiles"
	"curbside/app/pubsub"
	"curbside/app/ratelimit"
	"curbside/app/verification"
	"curbside/app/web"
	"curbside/config"
)

// App is one Curbside instance: its services, its web server and the
// runners that work beside it.
type App struct {
	Config       config.Config
	DB           *gorm.DB
	Log          *slog.Logger
	Audit        *audit.Log
	Limits       *ratelimit.Limiter
	Accounts     *accounts.Service
	Notify       *notify.Service
	Files        *files.Store
	Verification *verification.Service
	Cases        *cases.Service
	Consults     *consults.Service
	Chat         *chat.Service
	Moderation   *moderation.Service
	ChatHub      *chat.Hub
	Web          *web.Server
	// Bus carries messages between instances (session endings, soon chat).
	Bus      pubsub.Bus
	listener *pubsub.Listener

	mailer    notify.Mailer
	providers accounts.Providers
	runners   []Runner
}

// Option adjusts an instance at construction.
type Option func(*App)

// WithProviders adds sign-in providers to those built from the configuration
// (tests use it to point one at a local stand-in).
func WithProviders(p accounts.Providers) Option {
	return func(a *App) {
		for name, provider := range p {
			a.providers[name] = provider
		}
	}
}

// WithMailer replaces the mailer chosen from CURBSIDE_SMTP_URL.
func WithMailer(m notify.Mailer) Option { return func(a *App) { a.mailer = m } }

// New builds every service over gdb, the web server and the runners.
// cfg.DatabaseURL must name gdb's database: the bus listens on a connection
// of its own.
func New(cfg config.Config, gdb *gorm.DB, log *slog.Logger, opts ...Option) (*App, error) {
	a := &App{Config: cfg, DB: gdb, Log: log, providers: accounts.NewProviders(cfg.OAuth, cfg.BaseURL.String(), log)}
	for _, opt := range opts {
		opt(a)
	}
	if a.mailer == nil {
		m, err := newMailer(cfg, log)
		if err != nil {
			return nil, err
		}
		a.mailer = m
	}
	a.listener = pubsub.NewListener(cfg.DatabaseURL, log)
	a.Bus = pubsub.NewPGBus(gdb, a.listener)
	a.Audit = audit.New(gdb)
	a.Limits = ratelimit.New(gdb)
	a.Accounts = accounts.NewService(gdb, a.Audit, a.Limits, accounts.Settings{
		Idle: cfg.SessionIdle, Lifetime: cfg.SessionLifetime, Remember: cfg.SessionRemember,
		RememberIdle: cfg.SessionRememberIdle, Secret: cfg.Secret})
	a.Notify = notify.NewService(gdb, notify.Settings{BaseURL: cfg.BaseURL.String(), Secret: cfg.Secret})
	a.Accounts.Outbox, a.Accounts.BaseURL = a.Notify, cfg.BaseURL.String()
	a.Files = files.NewStore(gdb)
	a.Cases = cases.NewService(gdb, a.Accounts, a.Audit, a.Notify, a.Files, a.Limits)
	a.Notify.Digests = a.Cases
	a.Chat = chat.NewService(gdb, a.Audit, a.Notify, a.Bus, log)
	a.ChatHub = chat.NewHub(a.Chat, a.Bus, a.Accounts, log)
	a.Consults = consults.NewService(gdb, a.Accounts, a.Audit, a.Notify, a.Files, a.Limits, cfg.BaseURL.String())
	a.Consults.Rooms, a.Consults.Live = a.Chat, a.Chat
	a.Moderation = moderation.NewService(gdb, a.Accounts, a.Chat, a.Audit, a.Notify, a.Limits)
	a.Verification = verification.NewService(gdb, a.Accounts, a.Audit, a.Notify, a.Files, a.Limits, cfg.BaseURL.String())

	routes := slices.Concat(
		accounts.NewHandlers(a.Accounts, a.providers, log).Routes(),
		cases.NewHandlers(a.Cases, a.Accounts).Routes(),
		consults.NewHandlers(a.Consults, a.Accounts).Routes(),
		chat.NewHandlers(a.Chat, a.ChatHub, cfg.BaseURL).Routes(),
		verification.NewHandlers(a.Verification, a.Accounts).Routes(),
		notify.NewHandlers(a.Notify).Routes(),
		audit.NewHandlers(a.Audit).Routes(),
		moderation.NewHandlers(a.Moderation).Routes(),
		profiles.NewHandlers(profiles.NewService(gdb, a.Audit)).Routes(),
	)
	var err error
	a.Web, err = web.New(cfg, log, web.Deps{DB: gdb, Accounts: a.Accounts, Routes: routes})
	if err != nil {
		return nil, err
	}
	a.runners = a.backgroundRunners()
	return a, nil
}

// newMailer sends through CURBSIDE_SMTP_URL, or logs mail when it is unset.
func newMailer(cfg config.Config, log *slog.Logger) (notify.Mailer, error) {
	if cfg.SMTPURL == "" {
		return notify.LogMailer{Log: log}, nil
	}
	return notify.NewSMTPMailer(cfg.SMTPURL, "curbside@"+cfg.BaseURL.Hostname())
}
