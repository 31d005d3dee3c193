package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// ErrFontMissing: the font family that burned-in subtitles are drawn
// with is not installed, or has no glyph for a character of the text.
var ErrFontMissing = errors.New("video: subtitle font missing; install it (Debian: apt-get install fonts-noto-core, or run scripts/setup.sh)")

// debianNotoDir is where Debian's fonts-noto-core installs Noto Sans; it
// is searched when fontconfig's fc-list cannot be run.
const debianNotoDir = "/usr/share/fonts/truetype/noto"

// fontFamily is a family name that is safe on fc-list's command line and
// in libass's style string: no pattern syntax (":", "-", "\"), no comma.
var fontFamily = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ]{0,63}$`)

// fontFiles returns the files of the installed font family, asking
// fontconfig (which knows every font directory of the machine) first.
func fontFiles(ctx context.Context, family string) ([]string, error) {
	if files := fcList(ctx, family); len(files) > 0 {
		return files, nil
	}
	files, _ := filepath.Glob(filepath.Join(debianNotoDir, strings.ReplaceAll(family, " ", "")+"-*.[ot]tf"))
	if len(files) > 0 {
		return files, nil
	}
	return nil, fmt.Errorf("%w: no font of the family %q is installed", ErrFontMissing, family)
}

// fcListArgs asks fc-list for the file of every face of family.
func fcListArgs(family string) []string {
	return []string{"-f", `%{file}\n`, family}
}

// fcList returns the font files of family known to fontconfig; none when
// fc-list is absent or fails.
func fcList(ctx context.Context, family string) []string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "fc-list", fcListArgs(family)...).Output()
	if err != nil {
		return nil
	}
	var files []string
	for _, f := range strings.Split(string(out), "\n") {
		if f = strings.TrimSpace(f); f != "" {
			files = append(files, f)
		}
	}
	return files
}

// fontsDir copies the files of family into dir, a fonts directory for
// libass that holds that family alone: libass loads every font of the
// directory it is given, and a system font directory holds hundreds.
func fontsDir(ctx context.Context, family, dir string) error {
	files, err := fontFiles(ctx, family)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("video: burn-in: fonts folder: %w", err)
	}
	for _, f := range files {
		if err := copyFile(f, filepath.Join(dir, filepath.Base(f))); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrFontMissing, family, err)
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// missingGlyphs returns the code points that libass found in no font,
// from what the subtitles filter logged ("fontselect: failed to find any
// fallback with glyph 0xE000 for font: …"); each once, in order.
func missingGlyphs(stderr string) []string {
	const marker = "failed to find any fallback with glyph 0x"
	var cps []string
	seen := map[string]bool{}
	for _, line := range strings.Split(stderr, "\n") {
		_, rest, ok := strings.Cut(line, marker)
		if !ok {
			continue
		}
		cp, _, _ := strings.Cut(rest, " ")
		if cp = "U+" + cp; !seen[cp] {
			seen[cp] = true
			cps = append(cps, cp)
		}
	}
	return cps
}
