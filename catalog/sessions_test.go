package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// clock is a settable time source for AccountOptions.Now.
type acctClock struct{ t time.Time }

func (c *acctClock) now() time.Time              { return c.t }
func (c *acctClock) advance(d time.Duration)     { c.t = c.t.Add(d) }
func newAcctClock() *acctClock                   { return &acctClock{t: time.Date(2025, 9, 2, 8, 0, 0, 0, time.UTC)} }
func testAccounts(d *DB, c *acctClock) *Accounts { return d.Accounts(AccountOptions{Now: c.now}) }
func isThrottled(err error) (*ThrottleError, bool) {
	var te *ThrottleError
	return te, errors.As(err, &te) && errors.Is(err, ErrThrottled)
}

func TestLoginAndSessions(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	c := newAcctClock()
	a := testAccounts(d, c)
	u := createTestUser(t, d, "Lan.Nguyen")
	s, err := a.Login(ctx, "LAN.NGUYEN", goodPassword, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.ID) != 43 || len(s.CSRF) != 43 || s.ID == s.CSRF || s.UserID != u.ID || s.Principal != u.Principal() ||
		!s.CreatedAt.Equal(c.t) || !s.ExpiresAt.Equal(c.t.Add(12*time.Hour)) {
		t.Errorf("session = %+v", s)
	}
	// Only the hash is stored.
	var n int
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE hash = ? OR csrf = ? OR instr(hash, ?) > 0", s.ID, s.ID, s.ID).Scan(&n)
	if n != 0 {
		t.Error("session token stored in clear")
	}
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE hash = ?", hashToken(s.ID)).Scan(&n)
	if n != 1 {
		t.Error("session hash not stored")
	}
	// Wrong password and unknown login get the same error.
	_, e1 := a.Login(ctx, "lan.nguyen", "not the password", "10.0.0.1")
	_, e2 := a.Login(ctx, "nobody.here", goodPassword, "10.0.0.1")
	if !errors.Is(e1, ErrUnauthorized) || e1 != e2 || strings.Contains(e1.Error(), "password is wrong") {
		t.Errorf("bad credentials: %v / %v", e1, e2)
	}

	// Last seen moves at most once a minute.
	c.advance(30 * time.Second)
	got, err := a.SessionByToken(ctx, s.ID)
	if err != nil || !got.LastSeen.Equal(s.CreatedAt) || got.CSRF != s.CSRF || got.Principal != s.Principal {
		t.Errorf("after 30 s: %+v, %v", got, err)
	}
	c.advance(time.Minute)
	if got, err = a.SessionByToken(ctx, s.ID); err != nil || !got.LastSeen.Equal(c.t) || !got.ExpiresAt.Equal(c.t.Add(12*time.Hour)) {
		t.Errorf("after 90 s: %+v, %v", got, err)
	}
	// Idle timeout: 12 hours after last seen.
	c.advance(12*time.Hour - time.Second)
	if _, err := a.SessionByToken(ctx, s.ID); err != nil {
		t.Errorf("just before the idle timeout: %v", err)
	}
	c.advance(12 * time.Hour)
	if _, err := a.SessionByToken(ctx, s.ID); !errors.Is(err, ErrSessionExpired) || !errors.Is(err, ErrNotFound) {
		t.Errorf("idle: %v, want ErrSessionExpired", err)
	}
	if _, err := a.SessionByToken(ctx, s.ID); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrSessionExpired) {
		t.Errorf("expired session not deleted: %v", err)
	}

	// Absolute lifetime: 7 days even when used every hour.
	s, err = a.Login(ctx, "lan.nguyen", goodPassword, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7*24-1; i++ {
		c.advance(time.Hour)
		if _, err := a.SessionByToken(ctx, s.ID); err != nil {
			t.Fatalf("hour %d: %v", i+1, err)
		}
	}
	c.advance(time.Hour)
	if _, err := a.SessionByToken(ctx, s.ID); !errors.Is(err, ErrSessionExpired) {
		t.Errorf("after 7 days: %v, want ErrSessionExpired", err)
	}

	// Logout.
	s, _ = a.Login(ctx, "lan.nguyen", goodPassword, "10.0.0.1")
	if err := a.Logout(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SessionByToken(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after logout: %v", err)
	}
	if err := a.Logout(ctx, "unknown"); err != nil {
		t.Errorf("logout of an unknown token: %v", err)
	}
}

func TestConfiguredLifetimesAndPurge(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	c := newAcctClock()
	a := d.Accounts(AccountOptions{Now: c.now, IdleTimeout: time.Hour, Lifetime: 90 * time.Minute})
	createTestUser(t, d, "lan.nguyen")
	s1, _ := a.Login(ctx, "lan.nguyen", goodPassword, "")
	c.advance(50 * time.Minute)
	s2, _ := a.Login(ctx, "lan.nguyen", goodPassword, "")
	a.SessionByToken(ctx, s1.ID) // seen at 50 min: idle until 110, lifetime until 90
	if got, _ := a.SessionByToken(ctx, s1.ID); !got.ExpiresAt.Equal(s1.CreatedAt.Add(90 * time.Minute)) {
		t.Errorf("expires at %v, want the lifetime end", got.ExpiresAt)
	}
	c.advance(45 * time.Minute) // 95 min: s1 past its lifetime, s2 alive
	if n, err := a.PurgeSessions(ctx, c.t); err != nil || n != 1 {
		t.Errorf("purge = %d, %v; want 1", n, err)
	}
	if _, err := a.SessionByToken(ctx, s2.ID); err != nil {
		t.Errorf("s2: %v", err)
	}
	if n, _ := a.PurgeSessions(ctx, c.t.Add(2*time.Hour)); n != 1 {
		t.Errorf("second purge = %d, want 1 (idle)", n)
	}
}

func TestPasswordChangeEndsSessionsAndDisableRevokes(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	c := newAcctClock()
	a := testAccounts(d, c)
	u := createTestUser(t, d, "lan.nguyen")
	other := createTestUser(t, d, "minh.le")
	s1, _ := a.Login(ctx, "lan.nguyen", goodPassword, "")
	s2, _ := a.Login(ctx, "lan.nguyen", goodPassword, "")
	so, _ := a.Login(ctx, "minh.le", goodPassword, "")

	// Changing one's password in a session: the others end, a new one replaces it.
	ns, err := a.ChangeSessionPassword(ctx, s1.ID, goodPassword, "mật khẩu mới tinh")
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{s1.ID, s2.ID} {
		if _, err := a.SessionByToken(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Errorf("old session after password change: %v", err)
		}
	}
	if _, err := a.SessionByToken(ctx, ns.ID); err != nil {
		t.Errorf("new session: %v", err)
	}
	if _, err := a.SessionByToken(ctx, so.ID); err != nil {
		t.Errorf("another user's session: %v", err)
	}
	if _, err := a.Login(ctx, "lan.nguyen", goodPassword, ""); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("old password: %v", err)
	}
	// An admin reset ends every session.
	if err := d.SetPassword(ctx, u.ID, goodPassword, acctAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SessionByToken(ctx, ns.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("session after reset: %v", err)
	}

	// Disabling ends sessions, revokes tokens and refuses logins.
	s, _ := a.Login(ctx, "lan.nguyen", goodPassword, "")
	tok, err := d.CreateUserToken(ctx, u.ID, "máy quét ảnh")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := d.Authenticate(ctx, tok.Secret); err != nil || p.UserID != u.ID {
		t.Fatalf("authenticate: %+v, %v", p, err)
	}
	otherTok, _ := d.CreateUserToken(ctx, other.ID, "")
	if err := d.DisableUser(ctx, u.ID, acctAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SessionByToken(ctx, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := d.Authenticate(ctx, tok.Secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("token of a disabled user: %v", err)
	}
	if _, err := d.Authenticate(ctx, otherTok.Secret); err != nil {
		t.Errorf("another user's token: %v", err)
	}
	if _, err := a.Login(ctx, "lan.nguyen", goodPassword, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("login of a disabled user: %v, want ErrForbidden", err)
	}
	if _, err := a.Login(ctx, "lan.nguyen", "wrong password", ""); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong password of a disabled user: %v, want ErrUnauthorized", err)
	}
	if _, err := d.CreateUserToken(ctx, u.ID, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("token for a disabled user: %v", err)
	}
	ts, err := d.UserTokens(ctx, u.ID)
	if err != nil || len(ts) != 1 || ts[0].Label != "máy quét ảnh" || ts[0].RevokedAt == nil || ts[0].Prefix != tok.Secret[:12] {
		t.Errorf("tokens = %+v, %v", ts, err)
	}
	// Enabling lets them log in; tokens stay revoked.
	if err := d.EnableUser(ctx, u.ID, acctAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Login(ctx, "lan.nguyen", goodPassword, ""); err != nil {
		t.Errorf("login after enable: %v", err)
	}
	if _, err := d.Authenticate(ctx, tok.Secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked token after enable: %v", err)
	}
}

func TestUserTokens(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	u := createTestUser(t, d, "lan.nguyen")
	other := createTestUser(t, d, "minh.le")
	t1, _ := d.CreateUserToken(ctx, u.ID, "  lịch phát sóng ")
	t2, _ := d.CreateUserToken(ctx, u.ID, "")
	ts, err := d.UserTokens(ctx, u.ID)
	if err != nil || len(ts) != 2 || ts[0].ID != t2.ID || ts[1].Label != "lịch phát sóng" || ts[1].RevokedAt != nil {
		t.Errorf("tokens = %+v, %v", ts, err)
	}
	if err := d.RevokeToken(ctx, other.ID, t1.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking another user's token: %v, want ErrNotFound", err)
	}
	if err := d.RevokeToken(ctx, u.ID, t1.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.RevokeToken(ctx, u.ID, t1.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := d.Authenticate(ctx, t1.Secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked: %v", err)
	}
	if _, err := d.Authenticate(ctx, t2.Secret); err != nil {
		t.Errorf("other token: %v", err)
	}
	var n int
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'token.revoke'").Scan(&n)
	if n != 1 {
		t.Errorf("%d token.revoke events, want 1", n)
	}
}

func TestLoginThrottling(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	c := newAcctClock()
	a := testAccounts(d, c)
	createTestUser(t, d, "lan.nguyen")
	createTestUser(t, d, "minh.le")

	// By login: 5 failures (from anywhere, any case) within 15 minutes.
	for i := 0; i < 5; i++ {
		if _, err := a.Login(ctx, []string{"lan.nguyen", "LAN.NGUYEN"}[i%2], "wrong password", "10.0.0."+string(rune('1'+i))); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
		c.advance(time.Minute)
	}
	// 5 minutes after the first failure: 10 minutes to wait, even with the right password.
	_, err := a.Login(ctx, "lan.nguyen", goodPassword, "10.0.0.9")
	te, ok := isThrottled(err)
	if !ok || te.RetryAfter != 10*time.Minute || !strings.Contains(te.Vi, "10 phút") || !strings.Contains(te.En, "10 minutes") {
		t.Fatalf("6th attempt: %v, want throttled for 10 minutes", err)
	}
	if _, err := a.Login(ctx, "minh.le", goodPassword, "10.0.0.1"); err != nil {
		t.Errorf("another login from the same address: %v", err)
	}
	c.advance(10 * time.Minute)
	if _, err := a.Login(ctx, "lan.nguyen", goodPassword, "10.0.0.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// A success clears the login's failures: 4 more failures do not throttle.
	for i := 0; i < 4; i++ {
		a.Login(ctx, "lan.nguyen", "wrong password", "10.0.0.9")
	}
	if _, err := a.Login(ctx, "lan.nguyen", goodPassword, "10.0.0.9"); err != nil {
		t.Errorf("failures not cleared by the success: %v", err)
	}

	// By address: 20 failures over many logins, unknown ones too, survive a restart.
	c.advance(time.Hour)
	for i := 0; i < 20; i++ {
		a.Login(ctx, "guess"+string(rune('a'+i)), "password123", "203.0.113.7")
	}
	a = testAccounts(d, c) // a new service reads the same table
	if _, err := a.Login(ctx, "minh.le", goodPassword, "203.0.113.7"); !errors.Is(err, ErrThrottled) {
		t.Errorf("21st attempt from the address: %v, want ErrThrottled", err)
	}
	if _, err := a.Login(ctx, "minh.le", goodPassword, "198.51.100.1"); err != nil {
		t.Errorf("same login from another address: %v", err)
	}
	c.advance(15 * time.Minute)
	if _, err := a.Login(ctx, "minh.le", goodPassword, "203.0.113.7"); err != nil {
		t.Errorf("after the window: %v", err)
	}
	// Old failures are purged.
	a.PurgeSessions(ctx, c.t)
	var n int
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM login_failures").Scan(&n)
	if n != 0 {
		t.Errorf("%d failures left after purge", n)
	}
}
