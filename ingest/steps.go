package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/storage"
)

func (s *Service) probe(ctx context.Context, sp *spooled) (probe.Info, error) {
	info, err := probe.Sniffed(ctx, sp.file, sp.size, sp.format, probe.Limits{MaxPixels: s.cfg.MaxPixels}, s.ff)
	if err != nil {
		return probe.Info{}, probeError(err)
	}
	return info, nil
}

// storeOriginal puts the file under its content address unless an object
// of the same size is already there; it reports whether it added one.
func (s *Service) storeOriginal(ctx context.Context, sp *spooled) (bool, error) {
	key := storage.OriginalKey(sp.sum)
	if st, err := s.store.Stat(ctx, key); err == nil && st.Size == sp.size {
		return false, sp.unchanged()
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return false, storageError(err)
	}
	if _, err := sp.file.Seek(0, 0); err != nil {
		return false, spoolWriteError(err)
	}
	if _, err := s.store.Put(ctx, key, sp.file, sp.size, storage.PutOptions{ContentType: sp.format.MIME}); err != nil {
		return false, storageError(err)
	}
	if err := sp.unchanged(); err != nil {
		s.store.Delete(context.WithoutCancel(ctx), key)
		return false, err
	}
	return true, nil
}

func storageError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return refuse(CodeInterrupted, "Quá trình tải lên bị hủy; hãy tải lại tệp.", "The upload was cancelled; please upload the file again.", err)
	}
	if diskFull(err) { // the local backend's disk
		return diskFullError(err)
	}
	return refuse(CodeStorage, "Kho lưu trữ tạm thời không truy cập được; tệp chưa được lưu, vui lòng thử lại sau.",
		"Storage is temporarily unavailable; the file was not saved, please try again later.", err)
}

// probeError turns a probe failure into a refusal that says what to do.
func probeError(err error) error {
	detail := func(kind error) string { return strings.TrimPrefix(err.Error(), kind.Error()+": ") }
	switch {
	case errors.Is(err, probe.ErrEmpty):
		return refuse(CodeEmpty, "Tệp rỗng (0 byte); hãy chọn lại tệp.", "The file is empty (0 bytes); please choose the file again.", err)
	case errors.Is(err, probe.ErrUnsupported):
		d := detail(probe.ErrUnsupported)
		return refuse(CodeUnsupported,
			"Định dạng không được hỗ trợ ("+d+"). Chấp nhận ảnh JPEG, PNG, TIFF, WebP, HEIC/HEIF, AVIF, GIF và video MP4, MOV, MKV, WebM, MTS, AVI.",
			"Unsupported format ("+d+"). Accepted: photos in JPEG, PNG, TIFF, WebP, HEIC/HEIF, AVIF, GIF; videos in MP4, MOV, MKV, WebM, MTS, AVI.", err)
	case errors.Is(err, probe.ErrTooManyPixels):
		d := detail(probe.ErrTooManyPixels)
		return refuse(CodeTooManyPixels, "Ảnh có số điểm ảnh vượt giới hạn cho phép ("+d+"); hãy giảm kích thước ảnh rồi tải lại.",
			"The image declares more pixels than allowed ("+d+"); reduce its size and upload it again.", err)
	case errors.Is(err, probe.ErrCorrupt):
		d := detail(probe.ErrCorrupt)
		return refuse(CodeCorrupt, "Tệp bị hỏng hoặc không đầy đủ ("+d+"); hãy xuất hoặc sao chép lại tệp rồi tải lên.",
			"The file is corrupt or truncated ("+d+"); export or copy it again and re-upload.", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return refuse(CodeInterrupted, "Quá trình tiếp nhận bị hủy; hãy tải lại tệp.", "Ingest was cancelled; please upload the file again.", err)
	case errors.Is(err, probe.ErrToolMissing):
		return refuse(CodeToolMissing, "Máy chủ thiếu công cụ đọc video (ffprobe); hãy báo quản trị viên.",
			"The server is missing its video reader (ffprobe); please tell the administrator.", err)
	}
	return AsError(fmt.Errorf("probe: %w", err))
}

func newAsset(req Request, kind string, sp *spooled, info probe.Info, zone *time.Location) catalog.Asset {
	if t := info.CaptureTime; t != nil && info.CaptureTimeZoneless {
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), zone)
		info.CaptureTime = &local
	}
	a := catalog.Asset{
		Kind: kind, Status: catalog.StatusProcessing, OrgID: req.Org.ID, OrgName: req.Org.Name,
		UploaderID: req.Uploader.UserID, Uploader: req.Uploader.UserName,
		FileName: SanitizeName(req.FileName), RawFileName: DisplayName(req.FileName),
		Format: sp.format.Name, MIME: sp.format.MIME, ByteSize: sp.size, SHA256: sp.sum,
		Width: info.Width, Height: info.Height, Orientation: info.Orientation, CapturedAt: info.CaptureTime,
		CameraMake: info.Make, CameraModel: info.Model,
		Duration: info.Duration, VideoCodec: info.VideoCodec, AudioCodec: info.AudioCodec, FrameRate: info.FrameRate,
		Rotation: info.Rotation, HasAudio: info.HasAudio, SubtitleStreams: info.Subtitles,
		Warnings: append(sp.warnings, info.Warnings...),
	}
	if req.Cut != nil {
		a.SourceAssetID, a.CutStart, a.CutEnd = req.Cut.Source.ID, req.Cut.Start, req.Cut.End
	}
	if info.GPS != nil {
		a.GPS = &catalog.GPS{Lat: info.GPS.Lat, Lon: info.GPS.Lon, Alt: info.GPS.Alt}
	}
	if a.RawFileName == "" {
		a.RawFileName = a.FileName
	}
	return a
}

// keyLocks serialises work on the same key (here: the same content hash),
// so two uploads of identical bytes cannot race each other.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
