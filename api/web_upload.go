package api

import "github.com/gin-gonic/gin"

// uploadPages adds /upload: drag and drop of files and folders, sent with
// the tus protocol to /api/v1/uploads (uploads.go).
func (s *Server) uploadPages(p *gin.RouterGroup) {
	p.GET("/upload", s.uploadPage)
}
