package probe

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// media is the project's copy of the sample files (see PROVENANCE.tsv).
const media = "../../testdata/media"

var kinds = []error{ErrEmpty, ErrUnsupported, ErrCorrupt, ErrTooManyPixels, ErrToolMissing}

// kindOf returns the one kind err wraps, nil for no error, or a sentinel
// error describing a breach of the "exactly one kind" rule.
func kindOf(err error) error {
	if err == nil {
		return nil
	}
	var found []error
	for _, k := range kinds {
		if errors.Is(err, k) {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 1:
		return found[0]
	case 0:
		return errNoKind
	}
	return errManyKinds
}

var (
	errNoKind    = errors.New("error wraps no kind")
	errManyKinds = errors.New("error wraps several kinds")
)

func readMedia(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(media, rel))
	if err != nil {
		t.Fatalf("test file missing: %v", err)
	}
	return b
}

func near(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }
