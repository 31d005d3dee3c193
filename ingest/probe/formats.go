package probe

// The formats this package accepts.
var (
	FormatJPEG = Format{Name: "jpeg", MIME: "image/jpeg", Class: ClassImage}
	FormatPNG  = Format{Name: "png", MIME: "image/png", Class: ClassImage}
	FormatTIFF = Format{Name: "tiff", MIME: "image/tiff", Class: ClassImage}
	FormatWebP = Format{Name: "webp", MIME: "image/webp", Class: ClassImage}
	FormatHEIC = Format{Name: "heic", MIME: "image/heic", Class: ClassImage}
	FormatHEIF = Format{Name: "heif", MIME: "image/heif", Class: ClassImage}
	FormatAVIF = Format{Name: "avif", MIME: "image/avif", Class: ClassImage}
	FormatGIF  = Format{Name: "gif", MIME: "image/gif", Class: ClassImage}

	FormatMP4  = Format{Name: "mp4", MIME: "video/mp4", Class: ClassVideo}
	FormatMOV  = Format{Name: "mov", MIME: "video/quicktime", Class: ClassVideo}
	FormatMKV  = Format{Name: "mkv", MIME: "video/x-matroska", Class: ClassVideo}
	FormatWebM = Format{Name: "webm", MIME: "video/webm", Class: ClassVideo}
	FormatMTS  = Format{Name: "mts", MIME: "video/mp2t", Class: ClassVideo}
	FormatAVI  = Format{Name: "avi", MIME: "video/x-msvideo", Class: ClassVideo}
)
