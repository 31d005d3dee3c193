package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode"
	"github.com/quangba/quangba/transcode/subtitle"
)

// maxSubtitleBytes bounds an uploaded subtitle file (a feature film's SRT is
// well under 1 MB; EBU STL is bigger but not by much).
const maxSubtitleBytes = 16 << 20

// postSubtitles attaches a subtitle file (multipart "file", with "lang").
func (s *Server) postSubtitles(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActAttachSubtitles, a) {
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSubtitleBytes+1<<20)
	fh, err := c.FormFile("file")
	if err != nil {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, "Cần gửi tệp phụ đề trong trường \"file\" (multipart/form-data) và ngôn ngữ trong \"lang\".",
			"Send the subtitle file in the \"file\" field (multipart/form-data) and its language in \"lang\".")
		return
	}
	data, err := readUpload(fh)
	if err != nil {
		s.fail(c, err)
		return
	}
	got, err := s.subs.Attach(c.Request.Context(), a, strings.TrimSpace(c.PostForm("lang")), fh.Filename, data, principal(c))
	if err != nil {
		s.failSubtitles(c, err)
		return
	}
	c.JSON(http.StatusCreated, toChecked(got))
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, badMultipart(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSubtitleBytes+1))
	if err != nil {
		return nil, badMultipart(err)
	}
	if len(data) > maxSubtitleBytes {
		return nil, &ingest.Error{Code: ingest.CodeTooLarge, Vi: "Tệp phụ đề quá lớn (tối đa 16 MiB).", En: "The subtitle file is too large (at most 16 MiB)."}
	}
	return data, nil
}

// listSubtitles answers the tracks with their report summaries and the
// vi/en alignment.
func (s *Server) listSubtitles(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	ts, err := s.db.Subtitles(c.Request.Context(), a.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	align, err := s.subs.Alignment(c.Request.Context(), a)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := SubtitleList{Tracks: []SubtitleTrack{}, Alignment: toFindings(align)}
	for _, t := range ts {
		out.Tracks = append(out.Tracks, toTrack(t))
	}
	c.JSON(http.StatusOK, out)
}

// getSubtitleFile serves a track as vi.srt or en.vtt.
func (s *Server) getSubtitleFile(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok {
		return
	}
	lang, format, _ := strings.Cut(c.Param("name"), ".")
	if format != "srt" && format != "vtt" {
		writeError(c, http.StatusNotFound, "not_found", "Chọn {ngôn ngữ}.srt hoặc {ngôn ngữ}.vtt, ví dụ vi.srt.", "Ask for {lang}.srt or {lang}.vtt, e.g. vi.srt.")
		return
	}
	tr, _, err := s.subs.Track(c.Request.Context(), a, lang)
	if err != nil {
		s.failSubtitles(c, err)
		return
	}
	body, mime := tr.SRT(), "application/x-subrip; charset=utf-8"
	if format == "vtt" {
		body, mime = tr.VTT(), "text/vtt; charset=utf-8"
	}
	c.Header("Content-Disposition", storage.ContentDisposition(stem(a.RawFileName)+"."+lang+"."+format))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, mime, body)
}

// stem is a file name without its extension ("Lễ hội.mp4" → "Lễ hội").
func stem(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }

// fixSubtitles applies a one-call fix: shift, scale, rewrap.
func (s *Server) fixSubtitles(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActAttachSubtitles, a) {
		return
	}
	var req SubtitleFix
	if !decodeJSON(c, &req) {
		return
	}
	if req.Scale < 0 || req.Scale > 4 {
		writeError(c, http.StatusUnprocessableEntity, "invalid_field", "scale phải từ 0 đến 4 (ví dụ 25/23.976).", "scale must be between 0 and 4 (e.g. 25/23.976).")
		return
	}
	fix := transcode.Fix{Shift: time.Duration(req.ShiftSeconds * float64(time.Second)), Scale: req.Scale, Rewrap: req.Rewrap}
	got, err := s.subs.Apply(c.Request.Context(), a, c.Param("name"), fix, principal(c))
	if err != nil {
		s.failSubtitles(c, err)
		return
	}
	c.JSON(http.StatusOK, toChecked(got))
}

func (s *Server) failSubtitles(c *gin.Context, err error) {
	var ee *subtitle.EncodingError
	switch {
	case errors.As(err, &ee):
		writeError(c, http.StatusUnprocessableEntity, "subtitle_encoding", ee.Vi, ee.En)
	case errors.Is(err, subtitle.ErrFormat):
		writeError(c, http.StatusUnprocessableEntity, "subtitle_format", "Không đọc được tệp phụ đề: "+err.Error(),
			"Cannot read the subtitle file: "+err.Error())
	case errors.Is(err, transcode.ErrNotVideo):
		writeError(c, http.StatusUnprocessableEntity, ingest.CodeKindMismatch, "Chỉ video mới có phụ đề.", "Only clips and trailers have subtitles.")
	case errors.Is(err, transcode.ErrNoSubtitleLang):
		writeError(c, http.StatusUnprocessableEntity, "invalid_field", fmt.Sprintf("Ngôn ngữ phụ đề phải là một trong %v.", s.cfg.Languages),
			fmt.Sprintf("The subtitle language must be one of %v.", s.cfg.Languages))
	case errors.Is(err, catalog.ErrNotFound):
		writeError(c, http.StatusNotFound, "not_found", "Tư liệu chưa có phụ đề ngôn ngữ này.", "The asset has no subtitles in this language.")
	default:
		s.fail(c, err)
	}
}

// postSubtitled queues the soft-subtitled MP4 and, with {"burn": "vi"},
// the burned-in one: 202 with the job.
func (s *Server) postSubtitled(c *gin.Context) {
	a, ok := s.visibleAsset(c)
	if !ok || !s.allowed(c, catalog.ActRequestRenditions, a) {
		return
	}
	var req struct {
		Burn string `json:"burn"`
	}
	if c.Request.ContentLength != 0 && !decodeJSON(c, &req) {
		return
	}
	j, err := s.jobs.RequestSubtitled(c.Request.Context(), a, req.Burn, principal(c))
	if err != nil {
		s.failSubtitles(c, err)
		return
	}
	c.Header("Location", toJob(j).Links.Self)
	c.JSON(http.StatusAccepted, toJob(j))
}
