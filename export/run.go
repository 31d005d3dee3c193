package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/bundle"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/storage"
)

// BlockedError is an export refused because the package does not meet its
// profile: errors remain, or warnings were not acknowledged.
type BlockedError struct {
	Findings       []profile.Finding // the errors and warnings
	Errors         int
	Unacknowledged []string // "asset/rule" warnings still to acknowledge
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("export: package blocked: %d errors, %d unacknowledged warnings", e.Errors, len(e.Unacknowledged))
}

// Unwrap makes a BlockedError an ErrBlocked.
func (e *BlockedError) Unwrap() error { return ErrBlocked }

// Request asks for an export of a package.
type Request struct {
	PackageID   string
	Format      string   // zip or bagit
	AckAll      bool     // the curator accepts every current warning
	Acknowledge []string // or these "asset/rule" warnings
}

// Start checks the package and records a running export. It returns a
// *BlockedError while errors or unacknowledged warnings remain.
func (x *Exporter) Start(ctx context.Context, req Request, actor catalog.Principal) (*Plan, catalog.Export, error) {
	if req.Format != string(bundle.Zip) && req.Format != string(bundle.BagIt) {
		return nil, catalog.Export{}, fmt.Errorf("%w: export format %q (zip or bagit)", catalog.ErrInvalid, req.Format)
	}
	plan, err := x.Plan(ctx, req.PackageID)
	if err != nil {
		return nil, catalog.Export{}, err
	}
	if len(plan.Entries) == 0 {
		return nil, catalog.Export{}, fmt.Errorf("%w: package %s is empty", catalog.ErrInvalid, req.PackageID)
	}
	warnings := plan.WarningKeys()
	var missing []string
	for _, w := range warnings {
		if !req.AckAll && !slices.Contains(req.Acknowledge, w) {
			missing = append(missing, w)
		}
	}
	if n := plan.Errors(); n > 0 || len(missing) > 0 {
		return plan, catalog.Export{}, &BlockedError{Findings: plan.Findings(), Errors: n, Unacknowledged: missing}
	}
	e := catalog.Export{PackageID: plan.Package.ID, Format: req.Format, Profile: plan.Profile.ID, ProfileVersion: plan.Profile.Version,
		Destination: plan.Profile.Destination, Acknowledged: warnings}
	for _, en := range plan.Entries {
		e.Assets = append(e.Assets, en.Asset.ID)
	}
	if err := x.DB.StartExport(ctx, &e, actor); err != nil {
		return nil, catalog.Export{}, err
	}
	return plan, e, nil
}

// Reasons a bundle failed, as stored with the export (a code, then the
// technical detail): the pages and the API turn the code into a sentence.
const (
	ReasonStorage     = "storage_unavailable"
	ReasonInterrupted = "interrupted"
	ReasonError       = "error"
)

// FailureReason is "code: detail" for a failed bundle.
func FailureReason(err error) string {
	code := ReasonError
	switch {
	case errors.Is(err, storage.ErrUnavailable):
		code = ReasonStorage
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = ReasonInterrupted
	}
	return code + ": " + err.Error()
}

// FailureMessage says in Vietnamese and English why an export failed, from
// the reason stored with it.
func FailureMessage(reason string) (vi, en string) {
	code, _, _ := strings.Cut(reason, ":")
	switch code {
	case ReasonStorage:
		return "Kho lưu trữ không truy cập được trong lúc xuất gói; không có tệp nào được giữ lại. Hãy xuất lại khi kho hoạt động trở lại.",
			"Storage could not be reached during the export; nothing was kept. Export again once storage is back."
	case ReasonInterrupted:
		return "Lần xuất bị gián đoạn (dịch vụ dừng hoặc bị huỷ); không có tệp nào được giữ lại. Hãy xuất lại.",
			"The export was interrupted (the service stopped or it was cancelled); nothing was kept. Export again."
	}
	return "Lần xuất thất bại; không có tệp nào được giữ lại. Hãy xuất lại; nếu vẫn lỗi, báo quản trị viên (chi tiết: " + reason + ").",
		"The export failed; nothing was kept. Export again; if it fails again, tell an administrator (detail: " + reason + ")."
}

// Key is where export n of a package is stored.
func Key(pkgID string, n int) string {
	return "exports/" + pkgID + "/" + strconv.Itoa(n) + ".zip"
}

// Build writes a started export's bundle into the store (and to also, when
// not nil), then marks the export done; on failure it marks it failed and
// leaves no object behind.
func (x *Exporter) Build(ctx context.Context, plan *Plan, e catalog.Export, also io.Writer, actor catalog.Principal) (catalog.Export, error) {
	key := Key(e.PackageID, e.N)
	res, err := x.store(ctx, plan, bundle.Format(e.Format), key, also)
	if err != nil {
		x.Store.Delete(context.WithoutCancel(ctx), key)
		if ferr := x.DB.FailExport(context.WithoutCancel(ctx), e.PackageID, e.N, FailureReason(err)); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return catalog.Export{}, err
	}
	if err := x.DB.FinishExport(ctx, e.PackageID, e.N, res, actor); err != nil {
		return catalog.Export{}, err
	}
	return x.DB.Export(ctx, e.PackageID, e.N)
}

// store streams the bundle through a pipe into the store.
func (x *Exporter) store(ctx context.Context, plan *Plan, format bundle.Format, key string, also io.Writer) (catalog.ExportResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	h := sha256.New()
	cw := &counter{}
	outs := []io.Writer{pw, h, cw}
	if also != nil {
		outs = append(outs, also)
	}
	var sum Summary
	done := make(chan error, 1)
	go func() {
		var err error
		sum, err = x.Write(ctx, plan, format, io.MultiWriter(outs...))
		pw.CloseWithError(err)
		done <- err
	}()
	_, perr := x.Store.Put(ctx, key, pr, -1, storage.PutOptions{ContentType: "application/zip"})
	if perr != nil {
		cancel()
		pr.CloseWithError(perr)
	}
	werr := <-done
	if werr != nil {
		return catalog.ExportResult{}, werr
	}
	if perr != nil {
		return catalog.ExportResult{}, fmt.Errorf("export: store %s: %w", key, perr)
	}
	return catalog.ExportResult{StorageKey: key, ByteSize: cw.n, SHA256: hex.EncodeToString(h.Sum(nil)), Files: len(sum.Files)}, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
