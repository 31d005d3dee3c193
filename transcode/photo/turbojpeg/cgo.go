//go:build cgo

package turbojpeg

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

// The TurboJPEG 2.x prototypes we use, declared here so that neither the
// header nor the library is needed to build; the library is opened with
// dlopen at run time.
typedef void *tjhandle;

typedef struct {
	void *dl;
	tjhandle (*initDecompress)(void);
	int (*decompressHeader3)(tjhandle, const unsigned char *, unsigned long, int *, int *, int *, int *);
	int (*decompress2)(tjhandle, const unsigned char *, unsigned long, unsigned char *, int, int, int, int, int);
	tjhandle (*initCompress)(void);
	int (*compress2)(tjhandle, const unsigned char *, int, int, int, int, unsigned char **, unsigned long *, int, int, int);
	void (*tjfree)(unsigned char *);
	int (*destroy)(tjhandle);
	char *(*getErrorStr2)(tjhandle);
	int (*getErrorCode)(tjhandle);
} qb_tj;

static const char *qb_tj_open(qb_tj *t, const char *name) {
	t->dl = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (t->dl == NULL) return dlerror();
#define QB_SYM(field, sym) if ((*(void **)&t->field = dlsym(t->dl, sym)) == NULL) { dlclose(t->dl); t->dl = NULL; return "symbol " sym " not found"; }
	QB_SYM(initDecompress, "tjInitDecompress");
	QB_SYM(decompressHeader3, "tjDecompressHeader3");
	QB_SYM(decompress2, "tjDecompress2");
	QB_SYM(initCompress, "tjInitCompress");
	QB_SYM(compress2, "tjCompress2");
	QB_SYM(tjfree, "tjFree");
	QB_SYM(destroy, "tjDestroy");
	QB_SYM(getErrorStr2, "tjGetErrorStr2");
	QB_SYM(getErrorCode, "tjGetErrorCode");
#undef QB_SYM
	return NULL;
}

static tjhandle qb_init_decompress(qb_tj *t) { return t->initDecompress(); }
static tjhandle qb_init_compress(qb_tj *t) { return t->initCompress(); }
static int qb_destroy(qb_tj *t, tjhandle h) { return t->destroy(h); }
static const char *qb_error_str(qb_tj *t, tjhandle h) { return t->getErrorStr2(h); }
static int qb_error_code(qb_tj *t, tjhandle h) { return t->getErrorCode(h); }
static void qb_free(qb_tj *t, unsigned char *p) { t->tjfree(p); }

static int qb_header(qb_tj *t, tjhandle h, const unsigned char *buf, unsigned long n, int *w, int *ht, int *ss, int *cs) {
	return t->decompressHeader3(h, buf, n, w, ht, ss, cs);
}

static int qb_decompress(qb_tj *t, tjhandle h, const unsigned char *buf, unsigned long n,
		unsigned char *dst, int w, int pitch, int ht, int pf, int flags) {
	return t->decompress2(h, buf, n, dst, w, pitch, ht, pf, flags);
}

static int qb_compress(qb_tj *t, tjhandle h, const unsigned char *src, int w, int pitch, int ht, int pf,
		unsigned char **out, unsigned long *outSize, int subsamp, int q, int flags) {
	return t->compress2(h, src, w, pitch, ht, pf, out, outSize, subsamp, q, flags);
}
*/
import "C"

import (
	"fmt"
	"image"
	"runtime"
	"unsafe"
)

// TurboJPEG constants (turbojpeg.h, 2.x).
const (
	pfRGBX        = 2
	pfRGBA        = 7
	samp420       = 2
	flagLimitScan = 32768 // refuse progressive JPEGs with absurd scan counts
	errWarning    = 0
)

// Lib is an opened libturbojpeg. It is safe for concurrent use: every call
// makes its own TurboJPEG handle.
type Lib struct {
	t *C.qb_tj // C memory, never freed: a Lib lives as long as the process
}

// Open loads the shared library with the given name or path.
func Open(name string) (*Lib, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	t := (*C.qb_tj)(C.calloc(1, C.size_t(unsafe.Sizeof(C.qb_tj{}))))
	if msg := C.qb_tj_open(t, cname); msg != nil {
		err := fmt.Errorf("turbojpeg: open %s: %s", name, C.GoString(msg))
		C.free(unsafe.Pointer(t))
		return nil, err
	}
	return &Lib{t: t}, nil
}

// handleError reads the last error of h; fatal is false for warnings.
func (l *Lib) handleError(h C.tjhandle, op string) *Error {
	return &Error{
		Op:    op,
		Msg:   C.GoString(C.qb_error_str(l.t, h)),
		Fatal: C.qb_error_code(l.t, h) != errWarning,
	}
}

// DecodeHeader reads the dimensions, subsampling and colour space of a JPEG.
func (l *Lib) DecodeHeader(jpeg []byte) (Header, error) {
	if len(jpeg) == 0 {
		return Header{}, &Error{Op: "header", Msg: "empty input", Fatal: true}
	}
	h := C.qb_init_decompress(l.t)
	if h == nil {
		return Header{}, &Error{Op: "init", Msg: "tjInitDecompress failed", Fatal: true}
	}
	defer C.qb_destroy(l.t, h)
	var w, ht, ss, cs C.int
	if C.qb_header(l.t, h, (*C.uchar)(&jpeg[0]), C.ulong(len(jpeg)), &w, &ht, &ss, &cs) != 0 {
		return Header{}, l.handleError(h, "header")
	}
	if w <= 0 || ht <= 0 {
		return Header{}, &Error{Op: "header", Msg: fmt.Sprintf("no image size (%dx%d)", w, ht), Fatal: true}
	}
	return Header{Width: int(w), Height: int(ht), Subsampling: int(ss), ColorSpace: ColorSpace(cs)}, nil
}

// Decode decompresses a JPEG scaled by s into opaque RGBA pixels. Warnings
// (slightly damaged but decodable data) are not errors.
func (l *Lib) Decode(jpeg []byte, s Scale) (*image.NRGBA, error) {
	hdr, err := l.DecodeHeader(jpeg)
	if err != nil {
		return nil, err
	}
	w, ht := s.Apply(hdr.Width), s.Apply(hdr.Height)
	img := image.NewNRGBA(image.Rect(0, 0, w, ht))
	h := C.qb_init_decompress(l.t)
	if h == nil {
		return nil, &Error{Op: "init", Msg: "tjInitDecompress failed", Fatal: true}
	}
	defer C.qb_destroy(l.t, h)
	rc := C.qb_decompress(l.t, h, (*C.uchar)(&jpeg[0]), C.ulong(len(jpeg)),
		(*C.uchar)(&img.Pix[0]), C.int(w), C.int(img.Stride), C.int(ht), pfRGBA, flagLimitScan)
	runtime.KeepAlive(jpeg)
	if rc != 0 {
		if e := l.handleError(h, "decode"); e.Fatal {
			return nil, e
		}
	}
	return img, nil
}

// Encode compresses opaque pixels (alpha is ignored) as a baseline 4:2:0
// JFIF JPEG of the given quality, with no other metadata.
func (l *Lib) Encode(img *image.NRGBA, quality int) ([]byte, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, &Error{Op: "encode", Msg: "empty image", Fatal: true}
	}
	h := C.qb_init_compress(l.t)
	if h == nil {
		return nil, &Error{Op: "init", Msg: "tjInitCompress failed", Fatal: true}
	}
	defer C.qb_destroy(l.t, h)
	var out *C.uchar
	var n C.ulong
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	rc := C.qb_compress(l.t, h, (*C.uchar)(&pix[0]), C.int(b.Dx()), C.int(img.Stride), C.int(b.Dy()), pfRGBX,
		&out, &n, samp420, C.int(quality), 0)
	runtime.KeepAlive(img)
	if out != nil {
		defer C.qb_free(l.t, out)
	}
	if rc != 0 {
		if e := l.handleError(h, "encode"); e.Fatal {
			return nil, e
		}
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}
