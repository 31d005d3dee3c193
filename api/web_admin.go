package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
)

// adminOnly lets admins through and shows others a 403 page.
func (s *Server) adminOnly(c *gin.Context) {
	if principal(c).Role != catalog.RoleAdmin {
		s.renderError(c, http.StatusForbidden, "Chỉ quản trị viên được vào trang này.", "Only admins may open this page.")
		return
	}
	c.Next()
}

var roles = []string{catalog.RoleContributor, catalog.RoleCurator, catalog.RoleAdmin}

// adminData is the data of the admin page: organisations and users.
type adminData struct {
	Orgs  []catalog.OrgSummary
	Users []catalog.User
	Roles []string
	Org   int64 // the organisation whose users are listed; 0 for all
}

func (s *Server) adminPage(c *gin.Context) {
	ctx := c.Request.Context()
	org, _ := strconv.ParseInt(c.Query("org"), 10, 64)
	orgs, err := s.db.OrgSummaries(ctx)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	users, err := s.db.Users(ctx, org)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_home", adminData{Orgs: orgs, Users: users, Roles: roles, Org: org})
}

// back sends the browser from a form to the page it shows (PRG).
func back(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
}

func (s *Server) postAdminOrg(c *gin.Context) {
	name := strings.TrimSpace(c.PostForm("name"))
	_, err := s.db.OrgByName(c.Request.Context(), name)
	switch {
	case name == "":
		s.flashMsg(c, "error", "admin.org_empty")
	case err == nil:
		s.flashMsg(c, "error", "admin.org_exists")
	case !errors.Is(err, catalog.ErrNotFound):
		s.flashErr(c, err)
	default:
		if _, err := s.db.EnsureOrg(c.Request.Context(), name); err != nil {
			s.flashErr(c, err)
		} else {
			s.flashMsg(c, "ok", "admin.org_created")
		}
	}
	back(c, "/admin")
}

func (s *Server) postAdminUser(c *gin.Context) {
	u, err := s.db.CreateUser(c.Request.Context(), catalog.NewUser{Org: c.PostForm("org"), Login: c.PostForm("login"),
		Name: c.PostForm("name"), Role: c.PostForm("role"), Password: c.PostForm("password"), Actor: principal(c)})
	if err != nil {
		s.flashErr(c, err)
		back(c, "/admin")
		return
	}
	s.flashMsg(c, "ok", "admin.user_created")
	back(c, fmt.Sprint("/admin/users/", u.ID))
}

// adminUserData is the data of one user's admin page.
type adminUserData struct {
	Target catalog.User
	Tokens []catalog.TokenInfo
	Self   bool // the admin is looking at themselves
}

// RevokeTokenURL is where the "tokens" partial's revoke button for token
// id posts.
func (d adminUserData) RevokeTokenURL(id int64) string {
	return fmt.Sprintf("/admin/users/%d/tokens/%d/revoke", d.Target.ID, id)
}

// targetUser loads the user in the path, or shows a 404 page.
func (s *Server) targetUser(c *gin.Context) (catalog.User, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var u catalog.User
	if err == nil {
		u, err = s.db.UserByID(c.Request.Context(), id)
	}
	if err == nil {
		return u, true
	}
	if _, bad := err.(*strconv.NumError); bad || errors.Is(err, catalog.ErrNotFound) {
		s.renderError(c, http.StatusNotFound, "Không tìm thấy người dùng.", "No such user.")
	} else {
		s.pageFail(c, err)
	}
	return u, false
}

func (s *Server) adminUserPage(c *gin.Context) {
	u, ok := s.targetUser(c)
	if !ok {
		return
	}
	ts, err := s.db.UserTokens(c.Request.Context(), u.ID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	s.render(c, http.StatusOK, "admin_user", adminUserData{Target: u, Tokens: ts, Self: u.ID == principal(c).UserID})
}

// userAction runs act on the user in the path and goes back to their page
// with its outcome.
func (s *Server) userAction(c *gin.Context, okKey string, act func(u catalog.User) error) {
	u, ok := s.targetUser(c)
	if !ok {
		return
	}
	if err := act(u); err != nil {
		s.flashErr(c, err)
	} else {
		s.flashMsg(c, "ok", okKey)
	}
	back(c, fmt.Sprint("/admin/users/", u.ID))
}

// errMismatch: the two new passwords of a reset differ.
var errMismatch = &catalog.AccountError{Code: "password_mismatch", Kind: catalog.ErrInvalid,
	Vi: "Hai lần nhập mật khẩu mới không khớp.", En: "The two new passwords differ."}

func (s *Server) postAdminPassword(c *gin.Context) {
	s.userAction(c, "admin.password_reset", func(u catalog.User) error {
		if c.PostForm("password") != c.PostForm("password2") {
			return errMismatch
		}
		return s.db.SetPassword(c.Request.Context(), u.ID, c.PostForm("password"), principal(c))
	})
}

var errDisableSelf = &catalog.AccountError{Code: "disable_self", Kind: catalog.ErrInvalid,
	Vi: "Không thể tự khoá tài khoản của mình.", En: "You cannot disable your own account."}

func (s *Server) postAdminDisable(c *gin.Context) {
	s.userAction(c, "admin.user_disabled", func(u catalog.User) error {
		if u.ID == principal(c).UserID {
			return errDisableSelf
		}
		return s.db.DisableUser(c.Request.Context(), u.ID, principal(c))
	})
}

func (s *Server) postAdminEnable(c *gin.Context) {
	s.userAction(c, "admin.user_enabled", func(u catalog.User) error {
		return s.db.EnableUser(c.Request.Context(), u.ID, principal(c))
	})
}

func (s *Server) postAdminRevoke(c *gin.Context) {
	s.userAction(c, "admin.token_revoked", func(u catalog.User) error {
		id, err := strconv.ParseInt(c.Param("token"), 10, 64)
		if err != nil {
			return &catalog.AccountError{Code: "token_not_found", Kind: catalog.ErrNotFound, Vi: "Không tìm thấy mã truy cập.", En: "No such token."}
		}
		return s.db.RevokeToken(c.Request.Context(), u.ID, id)
	})
}

// jobStates are the filters of the jobs page; "" is all.
var jobStates = []string{"", catalog.JobQueued, catalog.JobRunning, catalog.JobDone, catalog.JobFailed}

// adminJobsData is the data of the jobs page.
type adminJobsData struct {
	Jobs   []jobRow
	State  string
	States []string
	Next   string // cursor of the next page
}

// jobRow is a job with its error in the page's language.
type jobRow struct {
	Job
	Error string
}

func (s *Server) adminJobsPage(c *gin.Context) {
	state := c.Query("state")
	if !slices.Contains(jobStates, state) {
		state = ""
	}
	jobs, next, err := s.db.ListJobs(c.Request.Context(), catalog.JobQuery{State: state, Cursor: c.Query("cursor"), Limit: 50})
	if errors.Is(err, catalog.ErrInvalid) { // a stale cursor: start again
		jobs, next, err = s.db.ListJobs(c.Request.Context(), catalog.JobQuery{State: state, Limit: 50})
	}
	if err != nil {
		s.pageFail(c, err)
		return
	}
	d := adminJobsData{State: state, States: jobStates, Next: next}
	for _, j := range jobs {
		r := jobRow{Job: toJob(j)}
		if f := r.LastError; f != nil {
			r.Error = s.pick(c, f.MessageVi, f.MessageEn)
		}
		d.Jobs = append(d.Jobs, r)
	}
	s.render(c, http.StatusOK, "admin_jobs", d)
}

func (s *Server) postAdminRetry(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err == nil {
		_, err = s.db.RetryJob(c.Request.Context(), id)
	}
	switch {
	case err == nil:
		s.flashMsg(c, "ok", "admin.job_retried")
	case errors.Is(err, catalog.ErrInvalid):
		s.flashMsg(c, "error", "admin.job_not_failed")
	case errors.Is(err, catalog.ErrNotFound) || errors.Is(err, strconv.ErrSyntax):
		s.flashMsg(c, "error", "admin.job_not_found")
	default:
		s.flashErr(c, err)
	}
	to := "/admin/jobs"
	if st := c.PostForm("state"); st != "" && slices.Contains(jobStates, st) {
		to += "?state=" + st
	}
	back(c, to)
}
