package ingest

import (
	"errors"
	"fmt"
	"syscall"
)

// Codes of refusal, stable for API clients and scripts.
const (
	CodeEmpty         = "empty_file"
	CodeUnsupported   = "unsupported_type"
	CodeCorrupt       = "corrupt_file"
	CodeTooManyPixels = "too_many_pixels"
	CodeTooLarge      = "file_too_large"
	CodeKindMismatch  = "kind_mismatch"
	CodeBadRequest    = "bad_request"
	CodeInterrupted   = "upload_interrupted"
	CodeStorage       = "storage_unavailable"
	CodeDiskFull      = "disk_full"
	CodeToolMissing   = "tool_missing"
	CodeInternal      = "internal_error"
)

// Error is a refusal: a stable code, a message in Vietnamese and in English
// saying what to do, and the cause.
type Error struct {
	Code string
	Vi   string
	En   string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.En
	}
	return e.En + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in lang ("vi" or "en"; Vietnamese otherwise).
func (e *Error) Message(lang string) string {
	if lang == "en" {
		return e.En
	}
	return e.Vi
}

func refuse(code, vi, en string, cause error) *Error {
	return &Error{Code: code, Vi: vi, En: en, Err: cause}
}

// AsError returns err as an *Error, classifying unknown errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return refuse(CodeInternal, "Lỗi hệ thống khi tiếp nhận tệp; vui lòng thử lại sau.",
		"Internal error while accepting the file; please try again later.", err)
}

// diskFull reports whether err is the server's disk (or the user's quota
// on it) running out of room.
func diskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

func diskFullError(err error) *Error {
	return refuse(CodeDiskFull, "Ổ đĩa của máy chủ đã đầy nên tệp chưa được nhận và chưa được lưu; hãy báo quản trị viên hoặc thử lại sau.",
		"The server's disk is full, so the file was not received or saved; tell the administrator or try again later.", err)
}

func tooLarge(limit int64, class string) *Error {
	return refuse(CodeTooLarge,
		fmt.Sprintf("Tệp quá lớn: %s tối đa %s.", classVi(class), humanBytes(limit)),
		fmt.Sprintf("File too large: a %s may be at most %s.", class, humanBytes(limit)), nil)
}

func classVi(class string) string {
	if class == "video" {
		return "video"
	}
	return "ảnh"
}

// humanBytes formats n in binary units, e.g. "200 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %ciB", int64(v), "KMGTPE"[exp])
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[exp])
}
