package api

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
)

// DefaultUploadsPerUser is how many upload requests (a multipart upload, a
// tus creation or chunk) one user may have in flight at once. The upload
// page sends three files at a time; a script that opens dozens of
// connections is held back so one account cannot fill the spool for all.
const DefaultUploadsPerUser = 6

// uploadSlots counts the upload requests in flight per user.
type uploadSlots struct {
	mu    sync.Mutex
	limit int
	busy  map[int64]int
}

func newUploadSlots(limit int) *uploadSlots {
	if limit <= 0 {
		limit = DefaultUploadsPerUser
	}
	return &uploadSlots{limit: limit, busy: map[int64]int{}}
}

func (u *uploadSlots) take(user int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.busy[user] >= u.limit {
		return false
	}
	u.busy[user]++
	return true
}

func (u *uploadSlots) give(user int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.busy[user]--; u.busy[user] <= 0 {
		delete(u.busy, user)
	}
}

// uploadSlot admits an upload request while the caller has fewer than the
// limit in flight, and answers 429 with Retry-After otherwise.
func (s *Server) uploadSlot(c *gin.Context) {
	user := principal(c).UserID
	if !s.uploads.take(user) {
		c.Header("Retry-After", "5")
		writeError(c, http.StatusTooManyRequests, "too_many_uploads",
			"Bạn đang gửi quá "+strconv.Itoa(s.uploads.limit)+" tệp cùng lúc; hãy đợi các tệp đang gửi xong rồi thử lại.",
			"You are sending more than "+strconv.Itoa(s.uploads.limit)+" files at once; wait for those to finish, then try again.")
		return
	}
	defer s.uploads.give(user)
	c.Next()
}

func (u *uploadSlots) anyBusy() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.busy) > 0
}
