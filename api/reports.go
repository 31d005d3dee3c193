package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/sheet"
	"github.com/quangba/quangba/ingest"
)

// Report formats and their media types.
var reportTypes = map[string]string{
	"json": "application/json; charset=utf-8",
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Vietnamese labels of kinds and destinations in report files.
var (
	kindLabels = map[string]string{catalog.KindPhoto: "Ảnh", catalog.KindClip: "Video clip", catalog.KindTrailer: "Trailer"}
	destLabels = map[string]string{"vietnamvn": "Vietnam.vn", "happyvietnam": "Happy Vietnam"}
)

const noTheme = "(chưa phân loại / no theme)"

// ActivityReport is the API view of a period's activity.
type ActivityReport struct {
	From         string             `json:"from"` // YYYY-MM-DD, inclusive, in the province's zone
	To           string             `json:"to"`
	Rows         []ReportRow        `json:"rows"`
	Total        ReportCounts       `json:"total"` // each asset once, whatever its themes
	Destinations []DestinationCount `json:"destinations"`
}

// ReportRow is one organisation × top-level theme × kind.
type ReportRow struct {
	Organisation string `json:"organisation"`
	Theme        string `json:"theme"` // "" when the asset has no confirmed theme
	ThemeLabel   string `json:"theme_label"`
	Kind         string `json:"kind"`
	KindLabel    string `json:"kind_label"`
	ReportCounts
}

// ReportCounts counts distinct assets.
type ReportCounts struct {
	Received int `json:"received"`
	Approved int `json:"approved"`
	Rejected int `json:"rejected"`
	Exported int `json:"exported"`
}

// DestinationCount is what went to one destination.
type DestinationCount struct {
	Destination string `json:"destination"`
	Label       string `json:"label"`
	Assets      int    `json:"assets"`
	Packages    int    `json:"packages"`
}

// NewActivityReport converts a catalogue report; themeLabels maps theme ids
// to the labels shown (an id without a label is shown as it is).
func NewActivityReport(r catalog.Report, themeLabels map[string]string) ActivityReport {
	out := ActivityReport{From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly),
		Rows: []ReportRow{}, Total: ReportCounts(r.Total), Destinations: []DestinationCount{}}
	for _, row := range r.Rows {
		out.Rows = append(out.Rows, ReportRow{Organisation: row.Org, Theme: row.Theme, ThemeLabel: themeLabel(row.Theme, themeLabels),
			Kind: row.Kind, KindLabel: label(row.Kind, kindLabels), ReportCounts: ReportCounts(row.ReportCounts)})
	}
	for _, d := range r.Destinations {
		out.Destinations = append(out.Destinations, DestinationCount{Destination: d.Destination, Label: label(d.Destination, destLabels),
			Assets: d.Assets, Packages: d.Packages})
	}
	return out
}

// ReportSheets lays a report out in Vietnamese: the activity table with a
// totals row, then the destinations.
func ReportSheets(r catalog.Report, themeLabels map[string]string) []sheet.Sheet {
	v := NewActivityReport(r, themeLabels)
	activity := sheet.Sheet{Name: "Hoạt động", Headers: []string{"Đơn vị", "Chủ đề", "Loại", "Tiếp nhận", "Đã duyệt", "Từ chối", "Đã gửi"}}
	for _, row := range v.Rows {
		activity.Rows = append(activity.Rows, append([]string{row.Organisation, row.ThemeLabel, row.KindLabel}, row.cells()...))
	}
	activity.Rows = append(activity.Rows, append([]string{"Tổng cộng", "", ""}, v.Total.cells()...))
	dests := sheet.Sheet{Name: "Nơi nhận", Headers: []string{"Nơi nhận", "Số tư liệu", "Số gói"}}
	for _, d := range v.Destinations {
		dests.Rows = append(dests.Rows, []string{d.Label, strconv.Itoa(d.Assets), strconv.Itoa(d.Packages)})
	}
	return []sheet.Sheet{activity, dests}
}

func (c ReportCounts) cells() []string {
	return []string{strconv.Itoa(c.Received), strconv.Itoa(c.Approved), strconv.Itoa(c.Rejected), strconv.Itoa(c.Exported)}
}

// WriteReport writes r as json, csv (the activity table only) or xlsx (both
// tables).
func WriteReport(w io.Writer, format string, r catalog.Report, themeLabels map[string]string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(NewActivityReport(r, themeLabels))
	case "csv":
		s := ReportSheets(r, themeLabels)[0]
		return sheet.WriteCSV(w, s.Headers, s.Rows)
	case "xlsx":
		return sheet.WriteXLSX(w, ReportSheets(r, themeLabels))
	}
	return fmt.Errorf("%w: report format %q (json, csv or xlsx)", catalog.ErrInvalid, format)
}

// ReportFileName is the download name: bao-cao-<from>-<to>.<format>.
func ReportFileName(r catalog.Report, format string) string {
	return "bao-cao-" + r.From.Format(time.DateOnly) + "-" + r.To.Format(time.DateOnly) + "." + format
}

func themeLabel(id string, labels map[string]string) string {
	if id == "" {
		return noTheme
	}
	return label(id, labels)
}

func label(id string, labels map[string]string) string {
	if l, ok := labels[id]; ok && l != "" {
		return l
	}
	return id
}

// activityReport serves GET /api/v1/reports/activity?from=&to=&format= to
// curators and admins.
func (s *Server) activityReport(c *gin.Context) {
	if !principal(c).SeesAllOrgs() {
		writeError(c, http.StatusForbidden, "forbidden", "Chỉ biên tập viên và quản trị viên xem được báo cáo.", "Only curators and admins can see reports.")
		return
	}
	from, to, format, ok := reportQuery(c)
	if !ok {
		return
	}
	r, err := s.db.ActivityReport(c.Request.Context(), from, to)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := WriteReport(&buf, format, r, s.themeLabels()); err != nil {
		s.fail(c, err)
		return
	}
	if format != "json" {
		c.Header("Content-Disposition", `attachment; filename="`+ReportFileName(r, format)+`"`)
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, reportTypes[format], buf.Bytes())
}

// reportQuery reads from, to (YYYY-MM-DD, from ≤ to) and format (default
// json), writing a 400 when one is wrong.
func reportQuery(c *gin.Context) (from, to time.Time, format string, ok bool) {
	bad := func(vi, en string) {
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, vi, en)
	}
	from, errFrom := time.Parse(time.DateOnly, c.Query("from"))
	to, errTo := time.Parse(time.DateOnly, c.Query("to"))
	format = c.DefaultQuery("format", "json")
	switch {
	case errFrom != nil || errTo != nil:
		bad("Cần from và to dạng YYYY-MM-DD, ví dụ from=2026-01-01&to=2026-06-30.", "from and to must be dates as YYYY-MM-DD, e.g. from=2026-01-01&to=2026-06-30.")
	case from.After(to):
		bad("Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to).", "from must be on or before to.")
	case reportTypes[format] == "":
		bad("format phải là json, csv hoặc xlsx.", "format must be json, csv or xlsx.")
	default:
		return from, to, format, true
	}
	return time.Time{}, time.Time{}, "", false
}

// themeLabels maps theme ids to their Vietnamese labels.
func (s *Server) themeLabels() map[string]string {
	if s.cfg.Themes == nil {
		return nil
	}
	return s.cfg.Themes.Labels("vi")
}
