package export

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/quangba/quangba/storage"
)

func TestFailureReasonsReadAsSentences(t *testing.T) {
	cases := []struct {
		err      error
		code, vi string
	}{
		{fmt.Errorf("export: write a.jpg: %w", storage.ErrUnavailable), ReasonStorage, "Kho lưu trữ không truy cập được"},
		{fmt.Errorf("export: %w", context.Canceled), ReasonInterrupted, "bị gián đoạn"},
		{errors.New("zip: write too long"), ReasonError, "chi tiết: error: zip: write too long"},
	}
	for _, c := range cases {
		r := FailureReason(c.err)
		if !strings.HasPrefix(r, c.code+": ") {
			t.Errorf("FailureReason(%v) = %q, want code %s", c.err, r, c.code)
		}
		vi, en := FailureMessage(r)
		if !strings.Contains(vi, c.vi) || en == "" || strings.Contains(vi, "dial tcp") {
			t.Errorf("FailureMessage(%q) = %q / %q", r, vi, en)
		}
	}
	// What serve writes for exports it finds running at start.
	if vi, _ := FailureMessage("interrupted: the service stopped during the export"); !strings.Contains(vi, "gián đoạn") {
		t.Errorf("interrupted export: %q", vi)
	}
}
