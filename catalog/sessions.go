package catalog

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrSessionExpired: a session outlived its idle timeout or its lifetime.
// It is also an ErrNotFound.
var ErrSessionExpired = fmt.Errorf("%w: session expired", ErrNotFound)

// ErrThrottled: too many failed logins; the error is a *ThrottleError
// saying when to try again.
var ErrThrottled = errors.New("catalog: too many failed logins")

// ThrottleError is a login refused because of recent failures for the
// login or the client's address. It is an ErrThrottled.
type ThrottleError struct {
	RetryAfter time.Duration
	Vi, En     string
}

func (e *ThrottleError) Error() string { return "catalog: throttled: " + e.En }

// Unwrap makes a ThrottleError an ErrThrottled.
func (e *ThrottleError) Unwrap() error { return ErrThrottled }

// AccountOptions tune logins and sessions; zero fields take the defaults.
type AccountOptions struct {
	Now             func() time.Time // clock (default time.Now)
	IdleTimeout     time.Duration    // session ends this long after it was last seen (12 h)
	Lifetime        time.Duration    // session ends this long after login whatever happens (7 days)
	FailureWindow   time.Duration    // failed logins count for this long (15 min)
	MaxLoginFailure int              // failures for one login within the window before refusing (5)
	MaxIPFailure    int              // failures from one address within the window before refusing (20)
}

func (o AccountOptions) withDefaults() AccountOptions {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 12 * time.Hour
	}
	if o.Lifetime <= 0 {
		o.Lifetime = 7 * 24 * time.Hour
	}
	if o.FailureWindow <= 0 {
		o.FailureWindow = 15 * time.Minute
	}
	if o.MaxLoginFailure <= 0 {
		o.MaxLoginFailure = 5
	}
	if o.MaxIPFailure <= 0 {
		o.MaxIPFailure = 20
	}
	return o
}

// Accounts logs people in and keeps their browser sessions, with the
// options it was made with.
type Accounts struct {
	db   *DB
	opts AccountOptions
}

// Accounts returns the login and session service of the catalogue.
func (d *DB) Accounts(o AccountOptions) *Accounts { return &Accounts{db: d, opts: o.withDefaults()} }

// Session is a logged-in browser. ID is the secret for the cookie; the
// catalogue stores only its SHA-256.
type Session struct {
	ID        string
	UserID    int64
	Principal Principal
	CSRF      string    // compare with the token a form or header sends
	CreatedAt time.Time // login
	ExpiresAt time.Time // the earlier of the idle timeout and the lifetime
	LastSeen  time.Time
}

// seenEvery is how stale last_seen may get before a request refreshes it.
const seenEvery = time.Minute

// stamp formats times with a fixed width so that text order is time order.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// randomToken returns 32 random bytes, base64url without padding.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("catalog: random session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Login checks a login and password and starts a session. Wrong logins and
// wrong passwords get the same error (ErrUnauthorized) after the same
// work; disabled users get ErrForbidden; after too many failures for the
// login or the address within the window, a *ThrottleError until it
// passes. A success clears the login's failures.
func (a *Accounts) Login(ctx context.Context, login, password, clientIP string) (Session, error) {
	t := a.opts.Now()
	key := loginKey(login)
	if err := a.throttled(ctx, key, clientIP, t); err != nil {
		return Session{}, err
	}
	var id int64
	var hash sql.NullString
	var disabled bool
	err := a.db.db.QueryRowContext(ctx, "SELECT id, password_hash, disabled FROM users WHERE login_key = ?", key).Scan(&id, &hash, &disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("catalog: login: %w", err)
	}
	known := err == nil && hash.Valid
	phc := dummyHash()
	if known {
		phc = hash.String
	}
	if ok := VerifyPassword(phc, password); !ok || !known {
		if _, err := a.db.db.ExecContext(ctx, "INSERT INTO login_failures (login_key, client_ip, at) VALUES (?, ?, ?)", key, clientIP, stamp(t)); err != nil {
			return Session{}, fmt.Errorf("catalog: record failed login: %w", err)
		}
		return Session{}, errBadCredentials
	}
	if disabled {
		return Session{}, accountErr(ErrForbidden, "user_disabled", "Tài khoản đã bị khoá.", "The account is disabled.")
	}
	var s Session
	err = a.db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM login_failures WHERE login_key = ?", key); err != nil {
			return fmt.Errorf("catalog: clear failed logins: %w", err)
		}
		var err error
		if s, err = a.startSession(ctx, tx, id, clientIP, t); err != nil {
			return err
		}
		return tx.Audit(ctx, Event{ActorID: id, OrgID: s.Principal.OrgID, Action: "user.login", SubjectType: "user", SubjectID: fmt.Sprint(id),
			Detail: map[string]any{"ip": clientIP}})
	})
	return s, err
}

// throttled returns a *ThrottleError when the login or the address has
// too many recent failures.
func (a *Accounts) throttled(ctx context.Context, key, ip string, t time.Time) error {
	since := stamp(t.Add(-a.opts.FailureWindow))
	until, err := a.blockedUntil(ctx, "login_key", key, a.opts.MaxLoginFailure, since)
	if err != nil {
		return err
	}
	if ip != "" {
		ipUntil, err := a.blockedUntil(ctx, "client_ip", ip, a.opts.MaxIPFailure, since)
		if err != nil {
			return err
		}
		if ipUntil.After(until) {
			until = ipUntil
		}
	}
	if !until.After(t) {
		return nil
	}
	wait := until.Sub(t)
	minutes := int(math.Ceil(wait.Minutes()))
	return &ThrottleError{RetryAfter: wait,
		Vi: fmt.Sprintf("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %d phút.", minutes),
		En: fmt.Sprintf("Too many failed logins. Try again in %d minutes.", minutes)}
}

// blockedUntil returns when the failures for column = value since the
// start of the window drop below limit (zero time when they already are).
func (a *Accounts) blockedUntil(ctx context.Context, column, value string, limit int, since string) (time.Time, error) {
	var n int
	q := "SELECT count(*) FROM login_failures WHERE " + column + " = ? AND at > ?"
	if err := a.db.db.QueryRowContext(ctx, q, value, since).Scan(&n); err != nil {
		return time.Time{}, fmt.Errorf("catalog: count failed logins: %w", err)
	}
	if n < limit {
		return time.Time{}, nil
	}
	var at string
	q = "SELECT at FROM login_failures WHERE " + column + " = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?"
	if err := a.db.db.QueryRowContext(ctx, q, value, since, n-limit).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("catalog: failed logins: %w", err)
	}
	return parseTime(at).Add(a.opts.FailureWindow), nil
}

// startSession inserts a session for a user.
func (a *Accounts) startSession(ctx context.Context, tx *Tx, userID int64, clientIP string, t time.Time) (Session, error) {
	token, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	s := Session{ID: token, UserID: userID, CSRF: csrf, CreatedAt: t, LastSeen: t}
	end := t.Add(a.opts.Lifetime)
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO sessions (user_id, hash, csrf, client_ip, created_at, expires_at, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, userID, hashToken(token), csrf, clientIP, stamp(t), stamp(end), stamp(t))
	if err != nil {
		return Session{}, fmt.Errorf("catalog: start session: %w", err)
	}
	err = tx.tx.QueryRowContext(ctx, `SELECT u.name, u.role, o.id, o.name FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ?`, userID).
		Scan(&s.Principal.UserName, &s.Principal.Role, &s.Principal.OrgID, &s.Principal.OrgName)
	if err != nil {
		return Session{}, fmt.Errorf("catalog: session user %d: %w", userID, err)
	}
	s.Principal.UserID = userID
	s.ExpiresAt = a.expiry(end, t)
	return s, nil
}

// expiry is when a session with this lifetime end and last sighting ends.
func (a *Accounts) expiry(end, lastSeen time.Time) time.Time {
	if idle := lastSeen.Add(a.opts.IdleTimeout); idle.Before(end) {
		return idle
	}
	return end
}

var errNoSession = accountErr(ErrNotFound, "session_not_found", "Phiên đăng nhập không tồn tại; vui lòng đăng nhập lại.",
	"No such session; please log in again.")

var errSessionExpired = accountErr(ErrSessionExpired, "session_expired", "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.",
	"The session has expired; please log in again.")

// SessionByToken returns the session of a cookie token: ErrNotFound when
// there is none, ErrSessionExpired (also an ErrNotFound) when it outlived
// its idle timeout or lifetime, in which case it is deleted. It refreshes
// the last sighting at most once a minute.
func (a *Accounts) SessionByToken(ctx context.Context, token string) (Session, error) {
	t := a.opts.Now()
	s := Session{ID: token}
	var id int64
	var created, end, seen string
	var disabled bool
	err := a.db.db.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.csrf, s.created_at, s.expires_at, s.last_seen, u.disabled, u.name, u.role, o.id, o.name
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id WHERE s.hash = ?`, hashToken(token)).
		Scan(&id, &s.UserID, &s.CSRF, &created, &end, &seen, &disabled, &s.Principal.UserName, &s.Principal.Role, &s.Principal.OrgID, &s.Principal.OrgName)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("catalog: session: %w", err)
	}
	s.Principal.UserID = s.UserID
	s.CreatedAt, s.LastSeen = parseTime(created), parseTime(seen)
	s.ExpiresAt = a.expiry(parseTime(end), s.LastSeen)
	if disabled || !t.Before(s.ExpiresAt) {
		if _, err := a.db.db.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id); err != nil {
			return Session{}, fmt.Errorf("catalog: end session: %w", err)
		}
		if disabled {
			return Session{}, errNoSession
		}
		return Session{}, errSessionExpired
	}
	if t.Sub(s.LastSeen) >= seenEvery {
		if _, err := a.db.db.ExecContext(ctx, "UPDATE sessions SET last_seen = ? WHERE id = ?", stamp(t), id); err != nil {
			return Session{}, fmt.Errorf("catalog: refresh session: %w", err)
		}
		s.LastSeen = t
		s.ExpiresAt = a.expiry(parseTime(end), t)
	}
	return s, nil
}

// Logout ends the session of a cookie token; an unknown token is not an
// error.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	if _, err := a.db.db.ExecContext(ctx, "DELETE FROM sessions WHERE hash = ?", hashToken(token)); err != nil {
		return fmt.Errorf("catalog: logout: %w", err)
	}
	return nil
}

// ChangeSessionPassword changes the password of the session's user after
// checking the old one, ends all their sessions and returns a new one in
// place of the current (whose token stops working).
func (a *Accounts) ChangeSessionPassword(ctx context.Context, token, oldPassword, newPassword string) (Session, error) {
	s, err := a.SessionByToken(ctx, token)
	if err != nil {
		return Session{}, err
	}
	if err := a.db.ChangePassword(ctx, s.UserID, oldPassword, newPassword); err != nil {
		return Session{}, err
	}
	var ns Session
	err = a.db.InTx(ctx, func(tx *Tx) error {
		var err error
		ns, err = a.startSession(ctx, tx, s.UserID, "", a.opts.Now())
		return err
	})
	return ns, err
}

// PurgeSessions deletes the sessions that have ended by now and the failed
// logins that no longer count; it returns how many sessions it deleted.
func (a *Accounts) PurgeSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := a.db.db.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?",
		stamp(now), stamp(now.Add(-a.opts.IdleTimeout)))
	if err != nil {
		return 0, fmt.Errorf("catalog: purge sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := a.db.db.ExecContext(ctx, "DELETE FROM login_failures WHERE at <= ?", stamp(now.Add(-a.opts.FailureWindow))); err != nil {
		return n, fmt.Errorf("catalog: purge failed logins: %w", err)
	}
	return n, nil
}

// endSessions deletes a user's sessions and returns how many it ended.
func (tx *Tx) endSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("catalog: end sessions of user %d: %w", userID, err)
	}
	return res.RowsAffected()
}
