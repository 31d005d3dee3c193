package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

const goodPassword = "Hội An về đêm 2024"

var acctAdmin = Principal{Role: RoleAdmin, UserName: "test"}

func createTestUser(t *testing.T, d *DB, login string) User {
	t.Helper()
	u, err := d.CreateUser(context.Background(), NewUser{Org: "Sở VHTTDL", Login: login, Role: RoleCurator, Password: goodPassword})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", login, err)
	}
	return u
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword(goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Errorf("hash %q is not a PHC argon2id string with the expected parameters", h)
	}
	if h2, _ := HashPassword(goodPassword); h2 == h {
		t.Error("two hashes of the same password are equal: salt not random")
	}
	if !VerifyPassword(h, goodPassword) {
		t.Error("right password refused")
	}
	if !VerifyPassword(h, norm.NFD.String(goodPassword)) {
		t.Error("the same password typed in NFD refused")
	}
	for _, bad := range []string{"", "hội an về đêm 2024", goodPassword + " "} {
		if VerifyPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, broken := range []string{"", "$argon2i$v=19$m=19456,t=2,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAA", strings.Replace(h, "v=19", "v=16", 1),
		strings.Replace(h, "m=19456", "m=99999999", 1), h[:len(h)-3]} {
		if VerifyPassword(broken, goodPassword) {
			t.Errorf("malformed hash %q matched", broken)
		}
	}
	// Parameters come from the stored string, so older hashes still verify.
	if !VerifyPassword("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$"+hashWith(t, "salt", "saltsaltsalt"), "salt") {
		t.Error("hash with other parameters refused")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		password, login string
		ok              bool
	}{
		{"123456789", "lan", false},
		{"1234567890", "lan", true},
		{"Đà Lạt mộng", "lan", true},              // 11 characters, more bytes
		{"ĐàLạtmộng", "lan", false},               // 9 characters, 14 bytes
		{norm.NFD.String("ĐàLạtmộng1"), "", true}, // 10 characters once composed
		{"lan.nguyen", "Lan.Nguyen", false},
		{"LAN.NGUYEN", "lan.nguyen", false},
		{strings.Repeat("a", 256), "lan", true},
		{strings.Repeat("a", 257), "lan", false},
		{strings.Repeat("ệ", 86), "lan", false}, // 86 characters, 258 bytes
		{"", "lan", false},
	} {
		err := CheckPassword(c.password, c.login)
		if (err == nil) != c.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok=%v", c.password, c.login, err, c.ok)
		}
		var ae *AccountError
		if err != nil && (!errors.Is(err, ErrInvalid) || !errors.As(err, &ae) || ae.Vi == "" || ae.En == "" || ae.Code != "weak_password") {
			t.Errorf("CheckPassword(%q): %#v is not a bilingual ErrInvalid", c.password, err)
		}
	}
}

func TestNormalizeLogin(t *testing.T) {
	for _, c := range []struct{ in, display, key string }{
		{"  Lan.Nguyen ", "Lan.Nguyen", "lan.nguyen"},
		{"nguyen_van-a@dak.lak", "nguyen_van-a@dak.lak", "nguyen_van-a@dak.lak"},
		{norm.NFD.String("Hương.Trần"), "Hương.Trần", "hương.trần"},
		{"ab1", "ab1", "ab1"},
	} {
		d, k, err := NormalizeLogin(c.in)
		if err != nil || d != c.display || k != c.key {
			t.Errorf("NormalizeLogin(%q) = %q, %q, %v; want %q, %q", c.in, d, k, err, c.display, c.key)
		}
	}
	for _, bad := range []string{"", "ab", "lan nguyen", "lan/nguyen", strings.Repeat("a", 65), "lan'--", "a\x00b"} {
		if _, _, err := NormalizeLogin(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizeLogin(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestCreateUserLoginsAreUnique(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	u := createTestUser(t, d, "Lan.Nguyen")
	if u.Login != "Lan.Nguyen" || u.Name != "Lan.Nguyen" || u.Role != RoleCurator || u.OrgName != "Sở VHTTDL" || !u.HasPassword || u.Disabled {
		t.Errorf("user = %+v", u)
	}
	// Another organisation, other case: the login is still taken.
	_, err := d.CreateUser(ctx, NewUser{Org: "Báo Đắk Lắk", Login: "lan.nguyen", Role: RoleContributor, Password: goodPassword})
	if !errors.Is(err, ErrDuplicate) {
		t.Errorf("lan.nguyen after Lan.Nguyen: %v, want ErrDuplicate", err)
	}
	// A Vietnamese login typed in NFD is stored in NFC and found either way.
	v, err := d.CreateUser(ctx, NewUser{Org: "Báo Đắk Lắk", Login: norm.NFD.String("Hương.Trần"), Name: "Trần Thị Hương", Role: RoleContributor, Password: goodPassword})
	if err != nil || v.Login != "Hương.Trần" || !norm.NFC.IsNormalString(v.Login) {
		t.Fatalf("NFD login: %+v, %v", v, err)
	}
	for _, l := range []string{"hương.trần", norm.NFD.String("HƯƠNG.TRẦN"), " Hương.Trần "} {
		if got, err := d.UserByLogin(ctx, l); err != nil || got.ID != v.ID {
			t.Errorf("UserByLogin(%q) = %+v, %v", l, got, err)
		}
	}
	if _, err := d.CreateUser(ctx, NewUser{Org: "Báo Đắk Lắk", Login: "HUONG.TRAN2", Name: "Trần Thị Hương", Role: RoleContributor, Password: goodPassword}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("same name in the same organisation: %v, want ErrDuplicate", err)
	}
	if _, err := d.UserByLogin(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown login: %v, want ErrNotFound", err)
	}
	for _, nu := range []NewUser{
		{Org: "X", Login: "someone", Role: "boss", Password: goodPassword},
		{Org: "X", Login: "someone", Role: RoleAdmin, Password: "short"},
		{Org: "X", Login: "someone", Role: RoleAdmin, Password: "someone"},
		{Org: "X", Login: "so", Role: RoleAdmin, Password: goodPassword},
		{Org: "", Login: "someone", Role: RoleAdmin, Password: goodPassword},
	} {
		if _, err := d.CreateUser(ctx, nu); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateUser(%+v) = %v, want ErrInvalid", nu, err)
		}
	}
	// Token-only users (no login) are listed with the others.
	if _, err := d.CreateToken(ctx, "Báo Đắk Lắk", "máy quét", RoleContributor); err != nil {
		t.Fatal(err)
	}
	org, _ := d.OrgByName(ctx, "Báo Đắk Lắk")
	us, err := d.Users(ctx, org.ID)
	if err != nil || len(us) != 2 || us[0].Name != "máy quét" || us[0].Login != "" || us[0].HasPassword || us[1].ID != v.ID {
		t.Errorf("Users(Báo Đắk Lắk) = %+v, %v", us, err)
	}
	if all, _ := d.Users(ctx, 0); len(all) != 3 {
		t.Errorf("Users(all) = %d users, want 3", len(all))
	}
}

func TestPasswordChangesAndAudit(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	u := createTestUser(t, d, "lan.nguyen")
	other := createTestUser(t, d, "minh.le")
	const second, third = "mật khẩu thứ hai", "mật khẩu thứ ba!"
	if err := d.ChangePassword(ctx, u.ID, "wrong password", second); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong old password: %v, want ErrUnauthorized", err)
	}
	if err := d.ChangePassword(ctx, u.ID, goodPassword, "short"); !errors.Is(err, ErrInvalid) {
		t.Errorf("weak new password: %v, want ErrInvalid", err)
	}
	if err := d.ChangePassword(ctx, u.ID, goodPassword, second); err != nil {
		t.Fatal(err)
	}
	if err := d.SetPassword(ctx, u.ID, third, other.Principal()); !errors.Is(err, ErrForbidden) {
		t.Errorf("a curator resetting another user's password: %v, want ErrForbidden", err)
	}
	if err := d.SetPassword(ctx, u.ID, third, u.Principal()); err != nil {
		t.Errorf("own password: %v", err)
	}
	if err := d.SetPassword(ctx, u.ID, goodPassword, acctAdmin); err != nil {
		t.Errorf("admin reset: %v", err)
	}
	if err := d.DisableUser(ctx, u.ID, other.Principal()); !errors.Is(err, ErrForbidden) {
		t.Errorf("a curator disabling: %v, want ErrForbidden", err)
	}
	if err := d.DisableUser(ctx, u.ID, acctAdmin); err != nil {
		t.Fatal(err)
	}
	if err := d.EnableUser(ctx, u.ID, acctAdmin); err != nil {
		t.Fatal(err)
	}
	es, err := d.AuditFor(ctx, "user", fmt.Sprint(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "user.create user.password user.password user.password user.disable user.enable" {
		t.Errorf("audit actions = %s", got)
	}
	// No password nor hash anywhere in the audit log.
	rows, err := d.db.QueryContext(ctx, "SELECT detail FROM audit_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var detail string
		rows.Scan(&detail)
		for _, secret := range []string{goodPassword, second, third, "argon2", "hash", "password\""} {
			if strings.Contains(detail, secret) {
				t.Errorf("audit detail %s contains %q", detail, secret)
			}
		}
	}
}

// hashWith is the base64 argon2id key of password with m=8, t=1, p=1.
func hashWith(t *testing.T, password, salt string) string {
	t.Helper()
	return b64.EncodeToString(argon2.IDKey([]byte(password), []byte(salt), 1, 8, 1, 32))
}
