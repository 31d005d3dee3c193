package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"` // in the language the client asked for (Vietnamese by default)
	MessageVi string `json:"message_vi"`
	MessageEn string `json:"message_en"`
}

// statusOf maps an ingest refusal code to its HTTP status.
var statusOf = map[string]int{
	ingest.CodeEmpty:         http.StatusBadRequest,
	ingest.CodeBadRequest:    http.StatusBadRequest,
	ingest.CodeInterrupted:   http.StatusBadRequest,
	ingest.CodeUnsupported:   http.StatusUnsupportedMediaType,
	ingest.CodeCorrupt:       http.StatusUnprocessableEntity,
	ingest.CodeTooManyPixels: http.StatusUnprocessableEntity,
	ingest.CodeKindMismatch:  http.StatusUnprocessableEntity,
	ingest.CodeTooLarge:      http.StatusRequestEntityTooLarge,
	ingest.CodeStorage:       http.StatusServiceUnavailable,
	ingest.CodeDiskFull:      http.StatusInsufficientStorage,
	ingest.CodeToolMissing:   http.StatusServiceUnavailable,
	ingest.CodeInternal:      http.StatusInternalServerError,
}

func writeError(c *gin.Context, status int, code, vi, en string) {
	msg := vi
	if lang(c) == "en" {
		msg = en
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{Code: code, Message: msg, MessageVi: vi, MessageEn: en}})
}

// fail writes err with the status its kind calls for.
func (s *Server) fail(c *gin.Context, err error) {
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		writeError(c, http.StatusNotFound, "not_found", "Không tìm thấy tư liệu.", "Asset not found.")
		return
	case errors.Is(err, catalog.ErrInvalid):
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Tham số không hợp lệ: "+err.Error(), "Invalid parameter: "+err.Error())
		return
	}
	e := ingest.AsError(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.Error("request failed", "path", c.Request.URL.Path, "code", e.Code, "err", err)
	}
	writeError(c, status, e.Code, e.Vi, e.En)
}

// lang is "en" when the client asked for English (?lang=en or an
// Accept-Language starting with en), otherwise "vi".
func lang(c *gin.Context) string {
	l := c.Query("lang")
	if l == "" && strings.HasPrefix(strings.ToLower(c.GetHeader("Accept-Language")), "en") {
		l = "en"
	}
	if l == "en" {
		return "en"
	}
	return "vi"
}
