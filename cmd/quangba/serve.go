package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/quangba/quangba/catalog"
)

func cmdServe(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file (default: configs/quangba.yaml if present)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba serve [--config FILE]\n\nRuns the HTTP API on QUANGBA_ADDR (default 127.0.0.1:8080) and the\nworkers that make renditions (QUANGBA_WORKERS, default: one per core).")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	if err := serve(ctx, a); err != nil {
		return fatal(err)
	}
	return 0
}

// serve runs the HTTP server until ctx is cancelled, then drains requests.
func serve(ctx context.Context, a *app) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	if n, err := a.db.FailInterruptedExports(ctx); err != nil {
		return err
	} else if n > 0 {
		a.log.Warn("exports interrupted by the last stop were marked failed", "count", n)
	}
	if err := a.firstAdmin(ctx); err != nil {
		return err
	}
	web := a.apiServer()
	srv := &http.Server{Handler: web.Handler(), ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	a.log.Info("Quảng Bá is serving", "addr", "http://"+ln.Addr().String(), "data", a.cfg.DataDir, "storage", storageName(a),
		"workers", a.jobs.Workers())
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	worked := make(chan struct{})
	go func() { a.jobs.Run(workCtx); close(worked) }()
	go web.RunUploadCleanup(workCtx) // abandoned partial uploads, now and every few minutes
	go a.housekeeping(workCtx)
	go a.db.WarmSearch(workCtx) // searches are answered by SQLite until the in-memory index is loaded
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopWork()
		<-worked
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	defer func() { <-worked }() // running jobs go back to the queue
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func storageName(a *app) string {
	if a.cfg.S3.Endpoint != "" {
		return "s3://" + a.cfg.S3.Endpoint + "/" + a.cfg.S3.Bucket
	}
	return a.cfg.Path("blobs")
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

func fatal(err error) int {
	fmt.Fprintln(os.Stderr, "quangba:", err)
	return 1
}

// housekeeping deletes ended sessions and old failed logins, now and hourly,
// with the session lifetimes the pages use (web: in the configuration).
func (a *app) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.db.Accounts(catalog.AccountOptions{IdleTimeout: a.cfg.Web.SessionIdle, Lifetime: a.cfg.Web.SessionLifetime}).PurgeSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("purge sessions", "err", err)
		} else if n > 0 {
			a.log.Info("ended sessions purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// firstAdmin makes, on a catalogue where nobody can log in yet, an admin
// "admin" of the home organisation with a random password written to
// data_dir/initial-admin-password (readable by the owner only), so that a
// fresh `make run` can be used from the browser at once.
func (a *app) firstAdmin(ctx context.Context) error {
	users, err := a.db.Users(ctx, 0)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.HasPassword {
			return nil
		}
	}
	pw, err := randomPassword()
	if err != nil {
		return err
	}
	u, err := a.db.CreateUser(ctx, catalog.NewUser{Org: a.cfg.HomeOrg, Login: "admin", Name: "Quản trị", Role: catalog.RoleAdmin, Password: pw})
	if err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	path := a.cfg.Path("initial-admin-password")
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	a.log.Warn("no one could log in: created the admin account; its password is in the file (change it after logging in, then delete the file)",
		"login", u.Login, "file", path)
	return nil
}

// randomPassword is 26 random base32 characters (130 bits).
func randomPassword() (string, error) { return rand.Text(), nil }
