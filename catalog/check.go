package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/quangba/quangba/storage"
)

// BlobStore is the part of storage.Store that Check and Repair use; the
// catalogue reads and deletes objects only through it and never knows the
// backend.
type BlobStore interface {
	Open(ctx context.Context, key string) (io.ReadCloser, storage.Info, error)
	Stat(ctx context.Context, key string) (storage.Info, error)
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string, fn func(storage.Info) error) error
}

// Kinds of check findings. A finding is a problem (Check's report is not
// consistent) or a notice (reported, nothing to do or already in hand).
const (
	FindMissing          = "missing_file"           // a catalogue file has no object
	FindSize             = "size_mismatch"          // the object's size differs from the recorded one
	FindHash             = "hash_mismatch"          // the object's SHA-256 differs from the recorded one
	FindOrphan           = "orphan_object"          // an object no catalogue row refers to, older than the grace period
	FindRecentObject     = "recent_object"          // notice: an unreferenced object younger than the grace period (an upload in flight)
	FindNoJob            = "processing_without_job" // an asset in processing with no queued or running job
	FindExpiredLease     = "expired_lease"          // notice: a running job whose worker went silent; a worker picks it up
	FindExportRunning    = "export_running"         // notice: an export marked running; serve marks it failed at start
	FindRenditionPending = "rendition_pending"      // notice: a missing or damaged rendition that a queued job remakes
	FindLostOriginal     = "lost_original"          // notice: an asset already marked failed because its original is gone
	FindRestored         = "original_restored"      // notice: an asset failed for a lost original whose original is back
	FindIntegrity        = "integrity"              // PRAGMA integrity_check found damage
	FindForeignKey       = "foreign_key"            // PRAGMA foreign_key_check found a dangling reference
)

// LostOriginalCode starts the processing error of an asset whose original is
// gone from storage (the same code the transcode stage uses).
const LostOriginalCode = "original_missing"

// CheckOptions tune Check.
type CheckOptions struct {
	Quick     bool          // compare sizes only, do not hash objects
	OrphanAge time.Duration // unreferenced objects younger than this are notices (default: 1 hour)
	Now       time.Time     // default: time.Now()
}

func (o CheckOptions) withDefaults() CheckOptions {
	if o.OrphanAge <= 0 {
		o.OrphanAge = time.Hour
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Finding is one thing Check found.
type Finding struct {
	Kind    string    `json:"kind"`
	Problem bool      `json:"problem"` // false for notices
	AssetID string    `json:"asset_id,omitempty"`
	File    string    `json:"file,omitempty"` // the file's name in the catalogue: original, a rendition, subtitles:vi, export:3
	Key     string    `json:"key,omitempty"`
	JobID   int64     `json:"job_id,omitempty"`
	Size    int64     `json:"size,omitempty"`
	ModTime time.Time `json:"mod_time,omitzero"`
	VI      string    `json:"message_vi"`
	EN      string    `json:"message_en"`
}

// CheckReport is the outcome of Check.
type CheckReport struct {
	Assets      int       `json:"assets"`
	Files       int       `json:"files"` // catalogue files checked: asset files, subtitle tracks, done exports
	Objects     int       `json:"objects"`
	BytesHashed int64     `json:"bytes_hashed"`
	Quick       bool      `json:"quick"`
	Findings    []Finding `json:"findings"`
	// repairs: what the catalogue knows it needs, filled by Check for Repair
	lostOriginals map[string]Finding // asset id → the finding about its original
	badRenditions map[string][]string
	lostExports   []Finding
	restored      []string // failed for a lost original that is back in storage
}

// Problems counts the findings that make the report inconsistent.
func (r *CheckReport) Problems() int {
	n := 0
	for _, f := range r.Findings {
		if f.Problem {
			n++
		}
	}
	return n
}

// Consistent reports whether Check found no problem.
func (r *CheckReport) Consistent() bool { return r.Problems() == 0 }

func (r *CheckReport) add(f Finding) { r.Findings = append(r.Findings, f) }

type checkFile struct {
	assetID, kind, status, procErr string
	role, name, key, sum           string
	size                           int64
	pending                        bool // the asset has a queued or running job
}

// Check verifies the catalogue against the store: every file the catalogue
// records exists with its size and SHA-256 (sizes only with Quick), every
// object under originals/ belongs to an asset, objects under renditions/ and
// subtitles/ belong to existing assets and objects under exports/ to
// exports, and the catalogue's own invariants hold. It changes nothing. An
// error means the check could not be completed (storage unreachable, the
// database unreadable).
func (d *DB) Check(ctx context.Context, store BlobStore, opt CheckOptions) (*CheckReport, error) {
	opt = opt.withDefaults()
	rep := &CheckReport{Quick: opt.Quick, Findings: []Finding{}, lostOriginals: map[string]Finding{}, badRenditions: map[string][]string{}}
	if err := d.checkSQLite(ctx, rep); err != nil {
		return nil, err
	}
	files, err := d.checkFiles(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.db.QueryRowContext(ctx, "SELECT count(*) FROM assets").Scan(&rep.Assets); err != nil {
		return nil, fmt.Errorf("catalog: check: %w", err)
	}
	referenced := map[string]bool{}
	for _, f := range files {
		referenced[f.key] = true
		if err := checkObject(ctx, store, opt, rep, f); err != nil {
			return nil, err
		}
	}
	if err := d.checkSubtitles(ctx, store, rep, referenced); err != nil {
		return nil, err
	}
	if err := d.checkExports(ctx, store, opt, rep, referenced); err != nil {
		return nil, err
	}
	if err := d.checkOrphans(ctx, store, opt, rep, referenced); err != nil {
		return nil, err
	}
	if err := d.checkJobs(ctx, opt, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func (d *DB) checkSQLite(ctx context.Context, rep *CheckReport) error {
	rows, err := d.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("catalog: integrity check: %w", err)
	}
	var msgs []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: integrity check: %w", err)
		}
		if s != "ok" {
			msgs = append(msgs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: integrity check: %w", err)
	}
	for _, m := range msgs {
		rep.add(Finding{Kind: FindIntegrity, Problem: true, VI: "Cơ sở dữ liệu bị hỏng: " + m, EN: "the database is damaged: " + m})
	}
	rows, err = d.db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("catalog: foreign key check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("catalog: foreign key check: %w", err)
		}
		rep.add(Finding{Kind: FindForeignKey, Problem: true,
			VI: fmt.Sprintf("Bảng %s, dòng %d trỏ tới %s không tồn tại", table, rowid.Int64, parent),
			EN: fmt.Sprintf("table %s, row %d refers to a missing row of %s", table, rowid.Int64, parent)})
	}
	return rows.Err()
}

func (d *DB) checkFiles(ctx context.Context) ([]checkFile, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT f.asset_id, a.kind, a.status, a.processing_error, f.role, f.name, f.storage_key, f.sha256, f.byte_size,
		EXISTS (SELECT 1 FROM jobs j WHERE j.asset_id = f.asset_id AND j.state IN ('queued', 'running'))
		FROM asset_files f JOIN assets a ON a.id = f.asset_id ORDER BY f.asset_id, f.role, f.name`)
	if err != nil {
		return nil, fmt.Errorf("catalog: check files: %w", err)
	}
	defer rows.Close()
	var out []checkFile
	for rows.Next() {
		var f checkFile
		if err := rows.Scan(&f.assetID, &f.kind, &f.status, &f.procErr, &f.role, &f.name, &f.key, &f.sum, &f.size, &f.pending); err != nil {
			return nil, fmt.Errorf("catalog: check files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// verify compares an object with the recorded size and hash; it returns the
// finding kind ("" when it matches) and what it found.
func verify(ctx context.Context, store BlobStore, opt CheckOptions, rep *CheckReport, key string, size int64, sum string) (kind string, got string, err error) {
	info, err := store.Stat(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return FindMissing, "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("catalog: check %s: %w", key, err)
	}
	if size >= 0 && info.Size != size {
		return FindSize, fmt.Sprintf("%d", info.Size), nil
	}
	if opt.Quick || sum == "" {
		return "", "", nil
	}
	r, _, err := store.Open(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return FindMissing, "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("catalog: check %s: %w", key, err)
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	rep.BytesHashed += n
	if err != nil {
		return "", "", fmt.Errorf("catalog: check %s: read: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sum) {
		return FindHash, got, nil
	}
	return "", "", nil
}

func checkObject(ctx context.Context, store BlobStore, opt CheckOptions, rep *CheckReport, f checkFile) error {
	rep.Files++
	kind, got, err := verify(ctx, store, opt, rep, f.key, f.size, f.sum)
	if err != nil {
		return err
	}
	lostAck := f.status == StatusFailed && strings.HasPrefix(f.procErr, LostOriginalCode+":")
	if kind == "" {
		if lostAck && f.role == "original" && !f.pending {
			rep.restored = append(rep.restored, f.assetID)
			rep.add(Finding{Kind: FindRestored, AssetID: f.assetID, File: f.name, Key: f.key,
				VI: "Tệp gốc đã có lại trong kho; --repair sẽ xử lý lại tư liệu", EN: "the original is back in storage; --repair processes the asset again"})
		}
		return nil
	}
	vi, en := damage(kind, f.size, got)
	fd := Finding{Kind: kind, Problem: true, AssetID: f.assetID, File: f.name, Key: f.key}
	switch {
	case lostAck && f.role != "original":
		fd.Kind, fd.Problem = FindLostOriginal, false
		fd.VI = "Bản " + f.name + ": " + vi + "; không tạo lại được vì tệp gốc đã mất"
		fd.EN = "rendition " + f.name + ": " + en + "; cannot be made again because the original is lost"
	case lostAck:
		fd.Kind, fd.Problem = FindLostOriginal, false
		fd.VI = "Tệp gốc đã mất (" + vi + "); tư liệu đã được đánh dấu lỗi — khôi phục từ bản sao lưu hoặc tải lên lại"
		fd.EN = "the original is lost (" + en + "); the asset is marked failed — restore it from a backup or upload it again"
	case f.role == "original":
		rep.lostOriginals[f.assetID] = fd
		fd.VI, fd.EN = "Tệp gốc: "+vi, "original: "+en
	case f.pending:
		fd.Kind, fd.Problem = FindRenditionPending, false
		fd.VI = "Bản " + f.name + ": " + vi + "; việc xử lý đang chờ sẽ tạo lại"
		fd.EN = "rendition " + f.name + ": " + en + "; a queued job makes it again"
	default:
		if f.key == "" || !strings.HasPrefix(f.key, "originals/") { // a delivery that is the original itself is covered by the original
			rep.badRenditions[f.assetID] = append(rep.badRenditions[f.assetID], f.name)
		}
		fd.VI, fd.EN = "Bản "+f.name+": "+vi, "rendition "+f.name+": "+en
	}
	rep.add(fd)
	return nil
}

func damage(kind string, size int64, got string) (vi, en string) {
	switch kind {
	case FindMissing:
		return "không có trong kho lưu trữ", "missing from storage"
	case FindSize:
		return fmt.Sprintf("kích thước %s byte, ghi nhận %d", got, size), fmt.Sprintf("%s bytes where %d are recorded", got, size)
	}
	return "mã băm SHA-256 không khớp (tệp bị hỏng)", "SHA-256 does not match (the file is damaged)"
}

func (d *DB) checkSubtitles(ctx context.Context, store BlobStore, rep *CheckReport, referenced map[string]bool) error {
	rows, err := d.db.QueryContext(ctx, "SELECT asset_id, lang, storage_key FROM subtitle_tracks ORDER BY asset_id, lang")
	if err != nil {
		return fmt.Errorf("catalog: check subtitles: %w", err)
	}
	type track struct{ asset, lang, key string }
	var ts []track
	for rows.Next() {
		var t track
		if err := rows.Scan(&t.asset, &t.lang, &t.key); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: check subtitles: %w", err)
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: check subtitles: %w", err)
	}
	for _, t := range ts {
		rep.Files++
		referenced[t.key] = true
		_, err := store.Stat(ctx, t.key)
		if errors.Is(err, storage.ErrNotFound) {
			rep.add(Finding{Kind: FindMissing, Problem: true, AssetID: t.asset, File: "subtitles:" + t.lang, Key: t.key,
				VI: "Phụ đề " + t.lang + ": không có trong kho lưu trữ (tải lên lại)", EN: "subtitles " + t.lang + ": missing from storage (upload them again)"})
		} else if err != nil {
			return fmt.Errorf("catalog: check %s: %w", t.key, err)
		}
	}
	return nil
}

func (d *DB) checkExports(ctx context.Context, store BlobStore, opt CheckOptions, rep *CheckReport, referenced map[string]bool) error {
	rows, err := d.db.QueryContext(ctx, "SELECT package_id, n, status, storage_key, byte_size, sha256 FROM exports ORDER BY package_id, n")
	if err != nil {
		return fmt.Errorf("catalog: check exports: %w", err)
	}
	type exp struct {
		pkg, status, key, sum string
		n                     int
		size                  int64
	}
	var es []exp
	for rows.Next() {
		var e exp
		if err := rows.Scan(&e.pkg, &e.n, &e.status, &e.key, &e.size, &e.sum); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: check exports: %w", err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: check exports: %w", err)
	}
	for _, e := range es {
		name := fmt.Sprintf("export:%d", e.n)
		switch e.status {
		case ExportRunning:
			rep.add(Finding{Kind: FindExportRunning, File: name, Key: e.key,
				VI: fmt.Sprintf("Gói %s: lần xuất %d đang chạy hoặc bị ngắt (serve đánh dấu thất bại khi khởi động)", e.pkg, e.n),
				EN: fmt.Sprintf("package %s: export %d is running or was interrupted (serve marks it failed when it starts)", e.pkg, e.n)})
		case ExportDone:
			if e.key == "" {
				continue
			}
			referenced[e.key] = true
			rep.Files++
			kind, got, err := verify(ctx, store, opt, rep, e.key, e.size, e.sum)
			if err != nil {
				return err
			}
			if kind != "" {
				vi, en := damage(kind, e.size, got)
				f := Finding{Kind: kind, Problem: true, File: name, Key: e.key,
					VI: fmt.Sprintf("Gói %s, lần xuất %d: %s", e.pkg, e.n, vi), EN: fmt.Sprintf("package %s, export %d: %s", e.pkg, e.n, en)}
				rep.add(f)
				rep.lostExports = append(rep.lostExports, f)
			}
		}
	}
	return nil
}

// checkOrphans lists the objects of the store. Under originals/ every object
// must be a catalogue file; under renditions/<asset>/ and subtitles/<asset>/
// the asset must exist; under exports/ an export must name the object.
func (d *DB) checkOrphans(ctx context.Context, store BlobStore, opt CheckOptions, rep *CheckReport, referenced map[string]bool) error {
	assets := map[string]bool{}
	rows, err := d.db.QueryContext(ctx, "SELECT id FROM assets")
	if err != nil {
		return fmt.Errorf("catalog: check: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: check: %w", err)
		}
		assets[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: check: %w", err)
	}
	exportKeys := map[string]bool{}
	rows, err = d.db.QueryContext(ctx, "SELECT storage_key FROM exports WHERE storage_key != ''")
	if err != nil {
		return fmt.Errorf("catalog: check: %w", err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: check: %w", err)
		}
		exportKeys[k] = true
	}
	rows.Close()
	for _, prefix := range []string{"originals/", "renditions/", "subtitles/", "exports/"} {
		err := store.List(ctx, prefix, func(info storage.Info) error {
			rep.Objects++
			if referenced[info.Key] {
				return nil
			}
			var why, whyVI string
			switch prefix {
			case "originals/":
				why, whyVI = "no asset has this original", "không tư liệu nào có tệp gốc này"
			case "exports/":
				if exportKeys[info.Key] {
					return nil
				}
				why, whyVI = "no export names this bundle", "không lần xuất nào ghi nhận gói này"
			default:
				owner, _, _ := strings.Cut(strings.TrimPrefix(info.Key, prefix), "/")
				if assets[owner] {
					return nil
				}
				why, whyVI = "its asset "+owner+" is gone", "tư liệu "+owner+" không còn"
			}
			f := Finding{Kind: FindOrphan, Problem: true, Key: info.Key, Size: info.Size, ModTime: info.ModTime,
				VI: "Đối tượng mồ côi: " + whyVI, EN: "orphan object: " + why}
			if age := opt.Now.Sub(info.ModTime); age < opt.OrphanAge {
				f.Kind, f.Problem = FindRecentObject, false
				f.VI = "Đối tượng mới chưa gắn với danh mục (có thể đang tải lên; chưa xoá trước " + opt.OrphanAge.String() + "): " + whyVI
				f.EN = "recent unreferenced object (may be an upload in flight; kept for " + opt.OrphanAge.String() + "): " + why
			}
			rep.add(f)
			return nil
		})
		if err != nil {
			return fmt.Errorf("catalog: check: list %s: %w", prefix, err)
		}
	}
	return nil
}

func (d *DB) checkJobs(ctx context.Context, opt CheckOptions, rep *CheckReport) error {
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM assets a WHERE status = 'processing'
		AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.asset_id = a.id AND j.state IN ('queued', 'running')) ORDER BY id`)
	if err != nil {
		return fmt.Errorf("catalog: check jobs: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: check jobs: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: check jobs: %w", err)
	}
	for _, id := range ids {
		rep.add(Finding{Kind: FindNoJob, Problem: true, AssetID: id,
			VI: "Tư liệu đang ở trạng thái xử lý nhưng không có việc nào chờ chạy", EN: "the asset is processing but no job is queued or running"})
	}
	rows, err = d.db.QueryContext(ctx, `SELECT id, coalesce(asset_id, ''), type, lease_owner, lease_until FROM jobs
		WHERE state = 'running' AND lease_until < ? ORDER BY id`, formatTime(opt.Now))
	if err != nil {
		return fmt.Errorf("catalog: check jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var asset, typ, owner, until string
		if err := rows.Scan(&id, &asset, &typ, &owner, &until); err != nil {
			return fmt.Errorf("catalog: check jobs: %w", err)
		}
		rep.add(Finding{Kind: FindExpiredLease, AssetID: asset, JobID: id,
			VI: fmt.Sprintf("Việc %d (%s) của %s hết hạn thuê từ %s; một worker sẽ nhận lại", id, typ, owner, until),
			EN: fmt.Sprintf("job %d (%s) of %s lost its lease at %s; a worker picks it up again", id, typ, owner, until)})
	}
	return rows.Err()
}

// Repair is one change Repair made.
type Repair struct {
	Action   string `json:"action"` // deleted_orphan, requeued_processing, marked_failed, requeued_renditions, export_failed
	AssetID  string `json:"asset_id,omitempty"`
	Key      string `json:"key,omitempty"`
	JobID    int64  `json:"job_id,omitempty"`
	DataLost bool   `json:"data_lost,omitempty"` // a file is gone for good and must come from a backup
	VI       string `json:"message_vi"`
	EN       string `json:"message_en"`
}

// Repair fixes what a report of Check found, never deleting a catalogue
// row: it deletes orphan objects older than the grace period, queues the
// processing job of assets in processing without one and of assets whose
// renditions are missing or damaged, marks assets whose original is missing
// or damaged as failed (the loss is reported as such), and marks done
// exports whose bundle is gone as failed. Findings it cannot fix (missing
// subtitles, a damaged database) stay for the operator.
func (d *DB) Repair(ctx context.Context, store BlobStore, rep *CheckReport, opt CheckOptions) ([]Repair, error) {
	opt = opt.withDefaults()
	out := []Repair{}
	requeue := map[string]bool{}
	for _, f := range rep.Findings {
		switch {
		case f.Kind == FindOrphan && opt.Now.Sub(f.ModTime) >= opt.OrphanAge:
			if err := store.Delete(ctx, f.Key); err != nil {
				return out, fmt.Errorf("catalog: repair: delete %s: %w", f.Key, err)
			}
			out = append(out, Repair{Action: "deleted_orphan", Key: f.Key,
				VI: "Đã xoá đối tượng mồ côi " + f.Key, EN: "deleted orphan object " + f.Key})
		case f.Kind == FindNoJob:
			requeue[f.AssetID] = true
		}
	}
	lost := make([]string, 0, len(rep.lostOriginals))
	for id := range rep.lostOriginals {
		lost = append(lost, id)
	}
	sort.Strings(lost)
	for _, id := range lost {
		f := rep.lostOriginals[id]
		_, en := damage(f.Kind, 0, "")
		if f.Kind == FindSize {
			en = "wrong size"
		}
		msg := LostOriginalCode + ": quangba check " + opt.Now.UTC().Format("2006-01-02") + ": the original " + f.Key + " is " + en +
			"; restore it from a backup or upload the file again"
		err := d.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.tx.ExecContext(ctx, "UPDATE assets SET status = 'failed', processing_error = ?, updated_at = ? WHERE id = ?", msg, now(), id); err != nil {
				return fmt.Errorf("catalog: repair %s: %w", id, err)
			}
			return tx.Audit(ctx, Event{Action: "asset.original_lost", SubjectType: "asset", SubjectID: id,
				Detail: map[string]any{"key": f.Key, "finding": f.Kind}})
		})
		if err != nil {
			return out, err
		}
		delete(requeue, id)
		out = append(out, Repair{Action: "marked_failed", AssetID: id, Key: f.Key, DataLost: true,
			VI: "MẤT DỮ LIỆU: tệp gốc " + f.Key + " của tư liệu " + id + " không còn nguyên vẹn; đã đánh dấu tư liệu là lỗi — khôi phục từ bản sao lưu hoặc tải lên lại",
			EN: "DATA LOST: the original " + f.Key + " of asset " + id + " is gone or damaged; the asset is marked failed — restore it from a backup or upload it again"})
	}
	ids := make([]string, 0, len(rep.badRenditions))
	for id := range rep.badRenditions {
		if _, gone := rep.lostOriginals[id]; !gone {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		requeue[id] = true
	}
	for _, id := range rep.restored {
		requeue[id] = true
	}
	all := make([]string, 0, len(requeue))
	for id := range requeue {
		all = append(all, id)
	}
	sort.Strings(all)
	for _, id := range all {
		j, err := d.requeueProcessing(ctx, id)
		if err != nil {
			return out, err
		}
		if names := rep.badRenditions[id]; len(names) > 0 {
			out = append(out, Repair{Action: "requeued_renditions", AssetID: id, JobID: j,
				VI: fmt.Sprintf("Tư liệu %s: đã xếp lại việc %d để tạo lại %s", id, j, strings.Join(names, ", ")),
				EN: fmt.Sprintf("asset %s: queued job %d to make %s again", id, j, strings.Join(names, ", "))})
		} else {
			out = append(out, Repair{Action: "requeued_processing", AssetID: id, JobID: j,
				VI: fmt.Sprintf("Tư liệu %s: đã xếp lại việc xử lý %d", id, j), EN: fmt.Sprintf("asset %s: queued processing job %d", id, j)})
		}
	}
	for _, f := range rep.lostExports {
		res, err := d.db.ExecContext(ctx, `UPDATE exports SET status = 'failed', error = ?, finished_at = coalesce(finished_at, ?)
			WHERE storage_key = ? AND status = 'done'`, "lost: quangba check found the bundle "+f.Key+" missing or damaged; export the package again", now(), f.Key)
		if err != nil {
			return out, fmt.Errorf("catalog: repair export %s: %w", f.Key, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			out = append(out, Repair{Action: "export_failed", Key: f.Key,
				VI: "Lần xuất " + f.Key + " đã mất gói; đánh dấu thất bại — hãy xuất lại", EN: "the bundle " + f.Key + " is lost; the export is marked failed — export the package again"})
		}
	}
	return out, nil
}

// requeueProcessing queues an asset's processing job (photo or video, by
// kind) unless one is already queued or running, and sets its status.
func (d *DB) requeueProcessing(ctx context.Context, id string) (int64, error) {
	var jobID int64
	err := d.InTx(ctx, func(tx *Tx) error {
		var kind string
		var attempts int
		if err := tx.tx.QueryRowContext(ctx, "SELECT kind FROM assets WHERE id = ?", id).Scan(&kind); err != nil {
			return fmt.Errorf("catalog: repair %s: %w", id, err)
		}
		typ := JobVideo
		if kind == KindPhoto {
			typ = JobPhoto
		}
		err := tx.tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE asset_id = ? AND type = ? AND state IN ('queued', 'running') LIMIT 1`, id, typ).Scan(&jobID)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("catalog: repair %s: %w", id, err)
		}
		// A failed processing job would keep the asset failed: give it a fresh set of attempts, as a retry does.
		res, err := tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, finished_at = NULL, updated_at = ?
			WHERE asset_id = ? AND type = ? AND state = 'failed'`, now(), now(), id, typ)
		if err != nil {
			return fmt.Errorf("catalog: repair %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := tx.tx.QueryRowContext(ctx, `SELECT max(id) FROM jobs WHERE asset_id = ? AND type = ? AND state = 'queued'`, id, typ).Scan(&jobID); err != nil {
				return fmt.Errorf("catalog: repair %s: %w", id, err)
			}
		} else {
			if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(max_attempts), 5) FROM jobs WHERE asset_id = ? AND type = ?`, id, typ).Scan(&attempts); err != nil {
				return fmt.Errorf("catalog: repair %s: %w", id, err)
			}
			j := Job{AssetID: id, Type: typ, MaxAttempts: attempts}
			if err := tx.Enqueue(ctx, &j); err != nil {
				return err
			}
			jobID = j.ID
		}
		if err := tx.refreshStatus(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, Event{Action: "job.requeued", SubjectType: "asset", SubjectID: id, Detail: map[string]any{"job": jobID, "type": typ, "by": "quangba check --repair"}})
	})
	return jobID, err
}
