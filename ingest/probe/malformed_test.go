package probe

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMalformed runs File on every file under testdata/media/malformed and
// checks the kind of refusal. Four of them are well-formed images whose
// oddities are in metadata other parsers choked on; they must be accepted.
func TestMalformed(t *testing.T) {
	ok := error(nil)
	want := map[string]struct {
		kind   error
		detail string // part of the message
	}{
		"exiv2_poc/009-stack-over.tif":                                               {ErrCorrupt, "no dimensions"},
		"exiv2_poc/cve_2017_18005_reproducer.tiff":                                   {ErrCorrupt, "no dimensions"},
		"exiv2_poc/ghsa_crmj_qh74_2r36_poc.mov":                                      {ErrCorrupt, "moov atom not found"},
		"exiv2_poc/ghsa_g44w_q3vm_gwjq_poc.jpg":                                      {ErrCorrupt, "no frame header"},
		"exiv2_poc/issue_1841_poc.webp":                                              {ErrCorrupt, `starts with chunk "Exif"`},
		"exiv2_poc/issue_1918_poc1.jpg":                                              {ok, ""}, // valid 300×200 JPEG; the PoC is in its XMP
		"exiv2_poc/issue_1934_poc4.jpg":                                              {ok, ""}, // valid 150×91 JPEG; the PoC is in its metadata
		"exiv2_poc/issue_2320_poc_tiff_named.jpg":                                    {ErrCorrupt, "points into the header"},
		"exiv2_poc/issue_2352_poc_tiff_named.jpg":                                    {ErrCorrupt, "points into the header"},
		"exiv2_poc/issue_2366_poc.mp4":                                               {ErrCorrupt, "moov atom not found"},
		"exiv2_poc/issue_2427_poc_isobmff_named.jpg":                                 {ErrUnsupported, "unknown brand"},
		"exiv2_poc/issue_400_poc1.png":                                               {ErrCorrupt, "CRC"},
		"exiv2_poc/issue_791_poc1.webp":                                              {ErrCorrupt, "RIFF size 11"},
		"fuzz_metadata-extractor/crash-04522a72d91270572a5178717a88b47a50598738.mp4": {ErrCorrupt, "no audio or video streams"},
		"fuzz_metadata-extractor/crash-0f5b7f736ab835dbc411ab23575a703acdde727f.png": {ErrCorrupt, "iCCP"},
		"fuzz_metadata-extractor/crash-824dc868159f3eb43c96582729145c1e017a5c60.png": {ErrCorrupt, "IHDR"},
		"fuzz_metadata-extractor/crash-8e69772e214099e0e619d1fa5ed092593f8e58d6.mp4": {ErrUnsupported, "no video stream"},
		"fuzz_metadata-extractor/crash-dc4ea3b1cfe0fdc29fd6503203f8d90daf925045.avi": {ErrCorrupt, "no audio or video streams"},
		"images/go_png_invalid-zlib.png":                                             {ErrCorrupt, "does not inflate"},
		"images/go_video-001.progressive.truncated.jpeg":                             {ErrCorrupt, "before all its scans"},
		"images/ianare_invalid_image01551.jpg":                                       {ok, ""}, // valid 61×58 JPEG with XMP only
		"images/mde_NullPointerException.HeifPictureHandler.processBox.heif":         {ErrCorrupt, "NAL unit"},
		"images/pillow_broken_data_stream.png":                                       {ErrCorrupt, "CRC"},
		"images/pillow_decompression_bomb.ico":                                       {ErrUnsupported, "ICO"},
		"images/pillow_icc-after-SOF.jpg":                                            {ok, ""}, // valid 10×10 JPEG; bad ICC chunk lengths
		"images/pngsuite_xc1n0g08.png":                                               {ErrCorrupt, "colour type 1"},
		"images/pngsuite_xcsn0g01.png":                                               {ErrCorrupt, "CRC"},
		"images/pngsuite_xd0n2c08.png":                                               {ErrCorrupt, "bit depth 0"},
		"images/pngsuite_xhdn0g08.png":                                               {ErrCorrupt, "CRC"},
		"images/pngsuite_xlfn0g04.png":                                               {ErrCorrupt, "signature"},
		"images/pngsuite_xs2n0g01.png":                                               {ErrCorrupt, "signature"},
		"images/pngsuite_xs7n0g01.png":                                               {ErrCorrupt, "signature"},
		"images/zero_bytes.jpg":                                                      {ErrEmpty, "no bytes"},
		"imagetestsuite/jpeg_bad_restart_marker_40bb78b1.jpg":                        {ErrCorrupt, "marker 0xF7"},
		"imagetestsuite/jpeg_huge_dims_8e5e74db.jpg":                                 {ErrCorrupt, "restart marker"},
		"imagetestsuite/jpeg_premature_end_32d08f4a.jpg":                             {ErrCorrupt, "truncated"},
		"imagetestsuite/png_bomb_309x15403836_817f9655.png":                          {ErrTooManyPixels, "309×15403836"},
		"video/videometa_truncated_moov_cut.mp4":                                     {ErrCorrupt, "End of file"},
	}
	root := filepath.Join(media, "malformed")
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen++
		w, found := want[rel]
		if !found {
			t.Errorf("%s: no expectation in the table", rel)
			return nil
		}
		start := time.Now()
		_, err = File(context.Background(), path, Limits{}, nil)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s: took %v", rel, took)
		}
		if kindOf(err) != w.kind || (err != nil && !strings.Contains(err.Error(), w.detail)) {
			t.Errorf("%s: %v; want %v containing %q", rel, err, w.kind, w.detail)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("found %d malformed files, the table has %d", seen, len(want))
	}
}
