package probe

import (
	"io"
)

// Image validates an image file's structure and reads its header and EXIF.
// The declared pixel count is checked against lim before any pixel data is
// decoded or inflated. Memory use does not grow with the file size.
//
// f is the format Sniff returned. Broken EXIF, XMP or IPTC never fails an
// image; it adds a warning to Info.Warnings.
func Image(r io.ReaderAt, size int64, f Format, lim Limits) (info Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			info, err = Info{}, errf(ErrCorrupt, "%s structure could not be parsed (internal error: %v)", f.Name, p)
		}
	}()
	if size <= 0 {
		return Info{}, errf(ErrEmpty, "the file has no bytes")
	}
	probe, ok := imageProbes[f.Name]
	if !ok || f.Class != ClassImage {
		return Info{}, errf(ErrUnsupported, "%q is not an image format", f.Name)
	}
	info, err = probe(src{r, size}, f, lim)
	if err != nil {
		return Info{}, err
	}
	readMeta(src{r, size}, f, &info)
	info.Format = f
	return info, nil
}

type imageProbe func(s src, f Format, lim Limits) (Info, error)

var imageProbes = map[string]imageProbe{
	"jpeg": func(s src, _ Format, lim Limits) (Info, error) { return probeJPEG(s, lim) },
	"png":  func(s src, _ Format, lim Limits) (Info, error) { return probePNG(s, lim) },
	"gif":  func(s src, _ Format, lim Limits) (Info, error) { return probeGIF(s, lim) },
	"webp": func(s src, _ Format, lim Limits) (Info, error) { return probeWebP(s, lim) },
	"tiff": func(s src, _ Format, lim Limits) (Info, error) { return probeTIFF(s, lim) },
	"heic": probeHEIF,
	"heif": probeHEIF,
	"avif": probeHEIF,
}
