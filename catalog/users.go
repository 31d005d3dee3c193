package catalog

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// AccountError is a refusal about logins, passwords, sessions or users,
// with a stable code and messages in Vietnamese and English. It unwraps to
// its Kind (ErrInvalid, ErrDuplicate, ErrUnauthorized, ErrForbidden,
// ErrNotFound or ErrSessionExpired).
type AccountError struct {
	Code   string // e.g. "weak_password", "bad_credentials"
	Vi, En string
	Kind   error
}

func (e *AccountError) Error() string { return "catalog: " + e.Code + ": " + e.En }

// Unwrap makes an AccountError its Kind.
func (e *AccountError) Unwrap() error { return e.Kind }

func accountErr(kind error, code, vi, en string) error {
	return &AccountError{Code: code, Vi: vi, En: en, Kind: kind}
}

// Limits on logins and passwords.
const (
	MinLoginLength    = 3   // characters
	MaxLoginLength    = 64  // characters
	MinPasswordLength = 10  // characters
	MaxPasswordBytes  = 256 // bytes of UTF-8
)

// errBadCredentials is the only answer to a wrong login or password, so
// that nobody learns which of the two was wrong.
var errBadCredentials = accountErr(ErrUnauthorized, "bad_credentials",
	"Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong login or password.")

// NormalizeLogin returns login as stored (NFC, trimmed) and its key (lower
// case), the form that is unique across organisations; it refuses logins
// that are not 3–64 letters, digits, '.', '_', '-' or '@'.
func NormalizeLogin(login string) (display, key string, err error) {
	display = strings.TrimSpace(norm.NFC.String(login))
	n := utf8.RuneCountInString(display)
	if n < MinLoginLength || n > MaxLoginLength {
		return "", "", accountErr(ErrInvalid, "invalid_login",
			fmt.Sprintf("Tên đăng nhập phải dài %d–%d ký tự.", MinLoginLength, MaxLoginLength),
			fmt.Sprintf("A login must be %d–%d characters long.", MinLoginLength, MaxLoginLength))
	}
	for _, r := range display {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return "", "", accountErr(ErrInvalid, "invalid_login",
				fmt.Sprintf("Tên đăng nhập chỉ gồm chữ, số và . _ - @ (không được có %q).", r),
				fmt.Sprintf("A login may only hold letters, digits and . _ - @ (not %q).", r))
		}
	}
	return display, loginKey(display), nil
}

// loginKey is the case-insensitive form of a login, also used for logins
// that are not valid (to count failed attempts).
func loginKey(login string) string {
	return norm.NFC.String(strings.ToLower(strings.TrimSpace(norm.NFC.String(login))))
}

// CheckPassword applies the password policy: at least 10 characters, at
// most 256 bytes, not the login itself. The password is compared in NFC.
func CheckPassword(password, login string) error {
	password = norm.NFC.String(password)
	if n := utf8.RuneCountInString(password); n < MinPasswordLength {
		return accountErr(ErrInvalid, "weak_password",
			fmt.Sprintf("Mật khẩu phải có ít nhất %d ký tự (mới có %d).", MinPasswordLength, n),
			fmt.Sprintf("A password needs at least %d characters (this one has %d).", MinPasswordLength, n))
	}
	if len(password) > MaxPasswordBytes {
		return accountErr(ErrInvalid, "weak_password",
			fmt.Sprintf("Mật khẩu quá dài (tối đa %d byte).", MaxPasswordBytes),
			fmt.Sprintf("The password is too long (at most %d bytes).", MaxPasswordBytes))
	}
	if login != "" && loginKey(password) == loginKey(login) {
		return accountErr(ErrInvalid, "weak_password",
			"Mật khẩu không được trùng tên đăng nhập.", "The password must not be the login.")
	}
	return nil
}

// argon2id parameters for new hashes (OWASP: m=19 MiB, t=2). Stored hashes
// carry their own parameters, so these can change later.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 2
	argonSaltLen = 16
	argonKeyLen  = 32
)

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of password (in NFC) as a PHC
// string: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("catalog: random salt: %w", err)
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC string phc,
// comparing in constant time. A malformed hash never matches.
func VerifyPassword(phc, password string) bool {
	var version int
	var mem, iter uint32
	var threads uint8
	f := strings.Split(phc, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(f[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(f[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil ||
		mem < 8 || mem > 1<<21 || iter < 1 || iter > 64 || threads < 1 {
		return false
	}
	salt, err1 := b64.DecodeString(f[4])
	want, err2 := b64.DecodeString(f[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

var dummy struct {
	once sync.Once
	hash string
}

// dummyHash is a hash no password matches in practice, verified against
// when the login is unknown so that the answer takes as long.
func dummyHash() string {
	dummy.once.Do(func() {
		b := make([]byte, 32)
		rand.Read(b)
		dummy.hash, _ = HashPassword(b64.EncodeToString(b))
	})
	return dummy.hash
}

// User is a person or a token-only account of an organisation.
type User struct {
	ID                int64
	OrgID             int64
	OrgName           string
	Login             string // "" for token-only users
	Name              string // display name, unique in the organisation
	Role              string
	CreatedAt         time.Time
	Disabled          bool
	HasPassword       bool
	PasswordChangedAt *time.Time
}

// Principal is who the user acts as.
func (u User) Principal() Principal {
	return Principal{UserID: u.ID, UserName: u.Name, OrgID: u.OrgID, OrgName: u.OrgName, Role: u.Role}
}

// NewUser is what CreateUser needs. Name defaults to the login.
type NewUser struct {
	Org      string // organisation name, created if missing
	Login    string
	Name     string
	Role     string
	Password string
	Actor    Principal // who creates the user, for the audit log; zero for the system
}

// CreateUser creates a user with a login and a password. The login is
// unique across organisations regardless of case (ErrDuplicate), the name
// within the organisation.
func (d *DB) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	if !ValidRole(nu.Role) {
		return User{}, accountErr(ErrInvalid, "invalid_role",
			fmt.Sprintf("Vai trò %q không hợp lệ (contributor, curator hoặc admin).", nu.Role),
			fmt.Sprintf("Role %q is not valid (want contributor, curator or admin).", nu.Role))
	}
	login, key, err := NormalizeLogin(nu.Login)
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword(nu.Password, login); err != nil {
		return User{}, err
	}
	if strings.TrimSpace(nu.Org) == "" {
		return User{}, accountErr(ErrInvalid, "invalid_org", "Cần tên đơn vị.", "The organisation name is empty.")
	}
	name := strings.TrimSpace(norm.NFC.String(nu.Name))
	if name == "" {
		name = login
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, err
	}
	var id int64
	err = d.InTx(ctx, func(tx *Tx) error {
		org, err := tx.ensureOrg(ctx, nu.Org)
		if err != nil {
			return err
		}
		if id, err = tx.insertUser(ctx, org, login, key, name, nu.Role, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, Event{ActorID: nu.Actor.UserID, OrgID: org.ID, Action: "user.create", SubjectType: "user", SubjectID: fmt.Sprint(id),
			Detail: map[string]any{"login": login, "name": name, "role": nu.Role, "org": org.Name}})
	})
	if err != nil {
		return User{}, err
	}
	return d.UserByID(ctx, id)
}

func (tx *Tx) insertUser(ctx context.Context, org Org, login, key, name, role, hash string) (int64, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE login_key = ?", key).Scan(&n); err != nil {
		return 0, fmt.Errorf("catalog: check login %q: %w", login, err)
	}
	if n > 0 {
		return 0, accountErr(ErrDuplicate, "login_taken",
			fmt.Sprintf("Tên đăng nhập %q đã có người dùng.", login), fmt.Sprintf("The login %q is taken.", login))
	}
	at := now()
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO users (org_id, name, role, created_at, login, login_key, password_hash, password_changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, org.ID, name, role, at, login, key, hash, at)
	if isUnique(err) {
		return 0, accountErr(ErrDuplicate, "name_taken",
			fmt.Sprintf("Đơn vị %s đã có người dùng tên %q.", org.Name, name),
			fmt.Sprintf("%s already has a user named %q.", org.Name, name))
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: create user %q: %w", login, err)
	}
	return res.LastInsertId()
}

const userColumns = `u.id, u.org_id, o.name, coalesce(u.login, ''), u.name, u.role, u.created_at, u.disabled,
	u.password_hash IS NOT NULL, u.password_changed_at FROM users u JOIN organisations o ON o.id = u.org_id`

type rowScanner interface{ Scan(...any) error }

func scanUser(row rowScanner) (User, error) {
	var u User
	var created string
	var changed sql.NullString
	err := row.Scan(&u.ID, &u.OrgID, &u.OrgName, &u.Login, &u.Name, &u.Role, &created, &u.Disabled, &u.HasPassword, &changed)
	u.CreatedAt, u.PasswordChangedAt = parseTime(created), parseNullTime(changed)
	return u, err
}

func userNotFound(what string) error {
	return accountErr(ErrNotFound, "user_not_found",
		fmt.Sprintf("Không tìm thấy người dùng %s.", what), fmt.Sprintf("No user %s.", what))
}

// UserByID finds a user.
func (d *DB) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(d.db.QueryRowContext(ctx, "SELECT "+userColumns+" WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, userNotFound(fmt.Sprint("#", id))
	}
	if err != nil {
		return User{}, fmt.Errorf("catalog: user %d: %w", id, err)
	}
	return u, nil
}

// UserByLogin finds a user by login, regardless of case and Unicode form.
func (d *DB) UserByLogin(ctx context.Context, login string) (User, error) {
	u, err := scanUser(d.db.QueryRowContext(ctx, "SELECT "+userColumns+" WHERE u.login_key = ?", loginKey(login)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, userNotFound(fmt.Sprintf("%q", strings.TrimSpace(login)))
	}
	if err != nil {
		return User{}, fmt.Errorf("catalog: user %q: %w", login, err)
	}
	return u, nil
}

// Users lists the users of an organisation (every organisation when orgID
// is 0), by organisation then name (ignoring ASCII case).
func (d *DB) Users(ctx context.Context, orgID int64) ([]User, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT "+userColumns+" WHERE ? = 0 OR u.org_id = ? ORDER BY o.name, lower(u.name), u.id", orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("catalog: users: %w", err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: users: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// SetPassword sets a user's password: an admin resetting it, or the user
// changing their own. It ends all the user's sessions.
func (d *DB) SetPassword(ctx context.Context, userID int64, newPassword string, actor Principal) error {
	if actor.UserID != userID && actor.Role != RoleAdmin {
		return accountErr(ErrForbidden, "forbidden",
			"Chỉ quản trị viên được đặt lại mật khẩu người khác.", "Only admins can reset another user's password.")
	}
	return d.setPassword(ctx, userID, newPassword, actor.UserID)
}

// ChangePassword changes a user's own password after checking the old one
// (ErrUnauthorized when wrong). It ends all the user's sessions.
func (d *DB) ChangePassword(ctx context.Context, userID int64, oldPassword, newPassword string) error {
	if err := d.checkOwnPassword(ctx, userID, oldPassword); err != nil {
		return err
	}
	return d.setPassword(ctx, userID, newPassword, userID)
}

func (d *DB) checkOwnPassword(ctx context.Context, userID int64, password string) error {
	var hash sql.NullString
	err := d.db.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return userNotFound(fmt.Sprint("#", userID))
	}
	if err != nil {
		return fmt.Errorf("catalog: password of user %d: %w", userID, err)
	}
	if !hash.Valid || !VerifyPassword(hash.String, password) {
		return accountErr(ErrUnauthorized, "wrong_password", "Mật khẩu hiện tại không đúng.", "The current password is wrong.")
	}
	return nil
}

// setPassword stores a new hash and ends every session of the user.
func (d *DB) setPassword(ctx context.Context, userID int64, password string, actorID int64) error {
	u, err := d.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.Login == "" {
		return accountErr(ErrInvalid, "no_login", "Người dùng này không có tên đăng nhập.", "This user has no login.")
	}
	if err := CheckPassword(password, u.Login); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return d.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", hash, now(), userID); err != nil {
			return fmt.Errorf("catalog: set password of user %d: %w", userID, err)
		}
		n, err := tx.endSessions(ctx, userID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, Event{ActorID: actorID, OrgID: u.OrgID, Action: "user.password", SubjectType: "user", SubjectID: fmt.Sprint(userID),
			Detail: map[string]any{"login": u.Login, "reset": actorID != userID, "sessions_ended": n}})
	})
}

// DisableUser stops a user: their sessions end, their API tokens are
// revoked and they can no longer log in. Only admins may.
func (d *DB) DisableUser(ctx context.Context, userID int64, actor Principal) error {
	return d.setDisabled(ctx, userID, true, actor)
}

// EnableUser lets a disabled user log in again; revoked tokens stay
// revoked. Only admins may.
func (d *DB) EnableUser(ctx context.Context, userID int64, actor Principal) error {
	return d.setDisabled(ctx, userID, false, actor)
}

func (d *DB) setDisabled(ctx context.Context, userID int64, disabled bool, actor Principal) error {
	if actor.Role != RoleAdmin {
		return accountErr(ErrForbidden, "forbidden", "Chỉ quản trị viên được khoá hoặc mở khoá người dùng.", "Only admins can disable or enable users.")
	}
	u, err := d.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return d.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, userID); err != nil {
			return fmt.Errorf("catalog: %s %d: %w", action, userID, err)
		}
		detail := map[string]any{"login": u.Login, "name": u.Name}
		if disabled {
			sessions, err := tx.endSessions(ctx, userID)
			if err != nil {
				return err
			}
			res, err := tx.tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now(), userID)
			if err != nil {
				return fmt.Errorf("catalog: revoke tokens of user %d: %w", userID, err)
			}
			tokens, _ := res.RowsAffected()
			detail["sessions_ended"], detail["tokens_revoked"] = sessions, tokens
		}
		return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: u.OrgID, Action: action, SubjectType: "user", SubjectID: fmt.Sprint(userID), Detail: detail})
	})
}

// TokenInfo describes an API token without its secret.
type TokenInfo struct {
	ID         int64
	Prefix     string
	Label      string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// CreateUserToken creates an API token for an enabled user, with a label
// saying what it is for. The secret is in the result only.
func (d *DB) CreateUserToken(ctx context.Context, userID int64, label string) (NewToken, error) {
	u, err := d.UserByID(ctx, userID)
	if err != nil {
		return NewToken{}, err
	}
	if u.Disabled {
		return NewToken{}, accountErr(ErrForbidden, "user_disabled", "Người dùng đã bị khoá.", "The user is disabled.")
	}
	label = strings.TrimSpace(norm.NFC.String(label))
	if utf8.RuneCountInString(label) > 100 {
		return NewToken{}, accountErr(ErrInvalid, "invalid_label", "Nhãn dài quá 100 ký tự.", "The label is longer than 100 characters.")
	}
	secret, err := newSecret()
	if err != nil {
		return NewToken{}, err
	}
	nt := NewToken{Secret: secret, Principal: u.Principal()}
	err = d.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, "INSERT INTO api_tokens (user_id, prefix, hash, created_at, label) VALUES (?, ?, ?, ?, ?)",
			userID, secret[:12], hashToken(secret), now(), label)
		if err != nil {
			return fmt.Errorf("catalog: insert token: %w", err)
		}
		nt.ID, _ = res.LastInsertId()
		return tx.Audit(ctx, Event{ActorID: userID, OrgID: u.OrgID, Action: "token.create", SubjectType: "token", SubjectID: fmt.Sprint(nt.ID),
			Detail: map[string]any{"user": u.Name, "role": u.Role, "prefix": secret[:12], "label": label}})
	})
	return nt, err
}

// UserTokens lists a user's API tokens, newest first, revoked ones too.
func (d *DB) UserTokens(ctx context.Context, userID int64) ([]TokenInfo, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, prefix, label, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("catalog: tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	var ts []TokenInfo
	for rows.Next() {
		var t TokenInfo
		var created string
		var used, revoked sql.NullString
		if err := rows.Scan(&t.ID, &t.Prefix, &t.Label, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("catalog: tokens of user %d: %w", userID, err)
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = parseTime(created), parseNullTime(used), parseNullTime(revoked)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// RevokeToken revokes one of a user's API tokens (ErrNotFound when the
// token is not theirs). Revoking a revoked token does nothing.
func (d *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return d.InTx(ctx, func(tx *Tx) error {
		var revoked sql.NullString
		var orgID int64
		err := tx.tx.QueryRowContext(ctx, `SELECT t.revoked_at, u.org_id FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.id = ? AND t.user_id = ?`, tokenID, userID).Scan(&revoked, &orgID)
		if errors.Is(err, sql.ErrNoRows) {
			return accountErr(ErrNotFound, "token_not_found", "Không tìm thấy mã truy cập.", "No such token.")
		}
		if err != nil || revoked.Valid {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", now(), tokenID); err != nil {
			return fmt.Errorf("catalog: revoke token %d: %w", tokenID, err)
		}
		return tx.Audit(ctx, Event{OrgID: orgID, Action: "token.revoke", SubjectType: "token", SubjectID: fmt.Sprint(tokenID),
			Detail: map[string]any{"user_id": userID}})
	})
}
