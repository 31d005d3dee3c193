package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode"
)

// Job is the API view of a background job.
type Job struct {
	ID          int64           `json:"id"`
	Type        string          `json:"type"`
	State       string          `json:"state"`
	AssetID     string          `json:"asset_id,omitempty"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	RunAfter    time.Time       `json:"run_after"`
	LastError   *Failure        `json:"last_error,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	FinishedAt  *time.Time      `json:"finished_at,omitempty"`
	Links       JobLinks        `json:"links"`
}

// JobLinks point at a job and what it made.
type JobLinks struct {
	Self    string `json:"self"`
	Trailer string `json:"trailer,omitempty"` // the asset a finished cut made
}

// JobPage is one page of jobs.
type JobPage struct {
	Items []Job  `json:"items"`
	Next  string `json:"next"`
}

// CutRequest asks for a trailer cut, in seconds from the clip's start.
type CutRequest struct {
	Start *float64 `json:"start"`
	End   *float64 `json:"end"`
}

func toJob(j catalog.Job) Job {
	out := Job{ID: j.ID, Type: j.Type, State: j.State, AssetID: j.AssetID, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
		RunAfter: j.RunAfter, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, FinishedAt: j.FinishedAt,
		Links: JobLinks{Self: "/api/v1/jobs/" + strconv.FormatInt(j.ID, 10)}}
	if j.LastError != "" {
		out.LastError = failure(j.LastError)
	}
	if j.State == catalog.JobDone && string(j.Result) != "{}" && string(j.Result) != "null" {
		out.Result = j.Result
	}
	if j.Type == catalog.JobCut && j.State == catalog.JobDone {
		var r transcode.CutResult
		if json.Unmarshal(j.Result, &r) == nil && r.AssetID != "" {
			out.Links.Trailer = "/api/v1/assets/" + r.AssetID
		}
	}
	return out
}

// failureText explains each job failure code.
var failureText = map[string][2]string{
	transcode.CodeCorrupt:     {"Tệp gốc bị hỏng hoặc không đầy đủ, không giải mã được; hãy gửi lại tệp gốc từ máy ảnh.", "The original is damaged or incomplete and cannot be decoded; please upload the camera original again."},
	transcode.CodeUnsupported: {"Định dạng tệp gốc không tạo được bản xem.", "No previews can be made from this file format."},
	transcode.CodeTooLarge:    {"Ảnh có quá nhiều điểm ảnh để xử lý.", "The image has too many pixels to process."},
	transcode.CodeToolMissing: {"Máy chủ thiếu công cụ xử lý (ffmpeg hoặc heif-convert); báo cho quản trị viên.", "A processing tool (ffmpeg or heif-convert) is missing on the server; tell the administrator."},
	transcode.CodeStorage:     {"Kho lưu trữ tạm thời không truy cập được; hệ thống sẽ thử lại.", "Storage was unavailable; the system retries."},
	transcode.CodeMissing:     {"Không tìm thấy tệp gốc trong kho lưu trữ.", "The original file is missing from storage."},
	transcode.CodeBadRange:    {"Đoạn cắt nằm ngoài thời lượng của video.", "The cut range lies outside the clip."},
	"worker_lost":             {"Tiến trình xử lý bị dừng đột ngột nhiều lần.", "The processing worker stopped unexpectedly several times."},
	transcode.CodeInternal:    {"Lỗi hệ thống khi xử lý; báo cho quản trị viên.", "Internal error while processing; tell the administrator."},
}

func failure(msg string) *Failure {
	code, detail := transcode.SplitFailure(msg)
	text, ok := failureText[code]
	if !ok {
		code, text = transcode.CodeInternal, failureText[transcode.CodeInternal]
	}
	return &Failure{Code: code, MessageVi: text[0], MessageEn: text[1], Detail: detail}
}
