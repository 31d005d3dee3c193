package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog/vntext"
)

// Review is where an asset stands in review beyond its status: the last
// decision's note, who made it and when, and the restricted flag.
type Review struct {
	Note       string     // a rejection's reason, the changes asked for, or a resubmission's note
	ByID       int64      // who made the last decision (0: nobody yet)
	By         string     // their name, filled on read
	At         *time.Time // when (nil: no decision yet)
	Restricted bool       // never exported, whatever the status
}

// reviewColumns follow assetColumns' others; scanAsset reads them.
const reviewColumns = `a.restricted, a.review_note, coalesce(a.reviewed_by, 0),
	coalesce((SELECT name FROM users WHERE id = a.reviewed_by), ''), a.reviewed_at`

// Exportable reports whether the asset may go into a bundle: approved and
// not restricted.
func (a Asset) Exportable() bool { return checkExportable(a) == nil }

// Review decisions.
const (
	DecisionApprove        = "approve"
	DecisionReject         = "reject"          // needs a note: the reason the contributor reads
	DecisionRequestChanges = "request_changes" // needs a note: what to change
	DecisionArchive        = "archive"
	DecisionSendBack       = "send_back" // back to ready, to be reviewed again
	DecisionResubmit       = "resubmit"  // the contributor made the changes asked for
	DecisionRestrict       = "restrict"  // sets the flag; the status stays
	DecisionUnrestrict     = "unrestrict"
)

// ErrInvalidTransition: a review decision does not apply to the asset's
// status. The error is a *TransitionError.
var ErrInvalidTransition = errors.New("catalog: invalid review transition")

// TransitionError is a decision refused because of the asset's status,
// with messages in Vietnamese and English.
type TransitionError struct {
	Decision, From string
	Vi, En         string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("catalog: cannot %s an asset that is %s", e.Decision, e.From)
}

// Unwrap makes a TransitionError an ErrInvalidTransition.
func (e *TransitionError) Unwrap() error { return ErrInvalidTransition }

// transition is what a decision needs and does. A decision with no to
// leaves the status alone (restrict, unrestrict) and applies from any status.
type transition struct {
	action Action
	from   []string
	to     string
	note   bool // a note is required
}

// transitions is the review workflow. A contributor resubmits explicitly
// (not on their next edit) so that several edits can be made before the
// asset goes back to the queue.
var transitions = map[string]transition{
	DecisionApprove:        {action: ActApprove, from: []string{StatusReady}, to: StatusApproved},
	DecisionReject:         {action: ActReject, from: []string{StatusReady, StatusChangesRequested}, to: StatusRejected, note: true},
	DecisionRequestChanges: {action: ActRequestChanges, from: []string{StatusReady}, to: StatusChangesRequested, note: true},
	DecisionArchive:        {action: ActArchive, from: []string{StatusApproved}, to: StatusArchived},
	DecisionSendBack:       {action: ActSendBack, from: []string{StatusApproved, StatusArchived, StatusRejected}, to: StatusReady},
	DecisionResubmit:       {action: ActResubmit, from: []string{StatusChangesRequested}, to: StatusReady},
	DecisionRestrict:       {action: ActRestrict},
	DecisionUnrestrict:     {action: ActRestrict},
}

// maxReviewNote bounds a note, in user-perceived characters.
const maxReviewNote = 2000

// Review applies a decision to an asset as actor: it checks the actor may
// (a *PermissionError otherwise), that the decision applies to the status
// (a *TransitionError) and that a note is given when one is needed (a
// *FieldError), then records the new status, the note, the reviewer and
// the time, and the audit event asset.review with the decision, the
// statuses before and after and the note, in one transaction.
func (d *DB) Review(ctx context.Context, assetID, decision, note string, actor Principal) (Asset, error) {
	var out Asset
	err := d.InTx(ctx, func(tx *Tx) error {
		a, err := tx.asset(ctx, assetID)
		if err != nil {
			return err
		}
		t, err := checkDecision(decision, note, a, actor)
		if err != nil {
			return err
		}
		note = cleanText(note)
		if err := tx.applyDecision(ctx, a, decision, t, note, actor); err != nil {
			return err
		}
		out, err = tx.asset(ctx, assetID)
		return err
	})
	return out, err
}

func checkDecision(decision, note string, a Asset, actor Principal) (transition, error) {
	t, ok := transitions[decision]
	if !ok {
		return t, fieldErr("decision", fmt.Sprintf("Không có quyết định %q; chọn một trong %s.", decision, decisionList()),
			fmt.Sprintf("There is no decision %q; use one of %s.", decision, decisionList()))
	}
	if err := Check(actor, t.action, a); err != nil {
		return t, err
	}
	if t.to != "" && !slices.Contains(t.from, a.Status) {
		return t, illegal(decision, a.Status, t.from)
	}
	note = cleanText(note)
	if t.note && note == "" {
		return t, fieldErr("note", "Cần ghi lý do hoặc nội dung cần sửa để người gửi biết.", "A note is required: the contributor reads it to know why or what to change.")
	}
	if n := vntext.Graphemes(note); n > maxReviewNote {
		return t, fieldErr("note", fmt.Sprintf("Dài %d ký tự, tối đa %d.", n, maxReviewNote), fmt.Sprintf("%d characters long, at most %d.", n, maxReviewNote))
	}
	return t, nil
}

func (tx *Tx) applyDecision(ctx context.Context, a Asset, decision string, t transition, note string, actor Principal) error {
	at := now()
	detail := map[string]any{"decision": decision, "from": a.Status, "to": a.Status, "note": note}
	var err error
	if t.to == "" {
		restricted := decision == DecisionRestrict
		detail["restricted"] = restricted
		_, err = tx.tx.ExecContext(ctx, "UPDATE assets SET restricted = ?, updated_at = ? WHERE id = ?", restricted, at, a.ID)
	} else {
		detail["to"] = t.to
		_, err = tx.tx.ExecContext(ctx, `UPDATE assets SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
			WHERE id = ? AND status = ?`, t.to, note, nullID(actor.UserID), at, at, a.ID, a.Status)
	}
	if err != nil {
		return fmt.Errorf("catalog: review %s of %s: %w", decision, a.ID, err)
	}
	return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.review", SubjectType: "asset",
		SubjectID: a.ID, Detail: detail})
}

func illegal(decision, from string, allowed []string) error {
	var vi, en []string
	for _, s := range allowed {
		vi, en = append(vi, viStatus(s)), append(en, enStatus(s))
	}
	d := transitions[decision]
	return &TransitionError{Decision: decision, From: from,
		Vi: fmt.Sprintf("Không thể %s tư liệu %s; chỉ %s được tư liệu %s.", viAction[d.action], viStatus(from), viAction[d.action], strings.Join(vi, " hoặc ")),
		En: fmt.Sprintf("Cannot %s an asset that is %s; only one that is %s can be.", enAction(d.action), enStatus(from), strings.Join(en, " or "))}
}

func decisionList() string {
	return strings.Join([]string{DecisionApprove, DecisionReject, DecisionRequestChanges, DecisionArchive, DecisionSendBack,
		DecisionResubmit, DecisionRestrict, DecisionUnrestrict}, ", ")
}

var statusNames = map[string][2]string{
	StatusProcessing:       {"đang xử lý", "still processing"},
	StatusReady:            {"chờ duyệt", "awaiting review (ready)"},
	StatusFailed:           {"xử lý lỗi", "failed in processing"},
	StatusApproved:         {"đã duyệt", "approved"},
	StatusRejected:         {"bị từ chối", "rejected"},
	StatusChangesRequested: {"cần chỉnh sửa", "waiting for changes"},
	StatusArchived:         {"đã lưu trữ", "archived"},
}

func viStatus(s string) string {
	if n, ok := statusNames[s]; ok {
		return n[0]
	}
	return s
}

func enStatus(s string) string {
	if n, ok := statusNames[s]; ok {
		return n[1]
	}
	return s
}

// asset reads an asset inside the transaction.
func (tx *Tx) asset(ctx context.Context, id string) (Asset, error) {
	a, err := scanAsset(tx.tx.QueryRowContext(ctx, "SELECT "+assetColumns+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, fmt.Errorf("%w: asset %s", ErrNotFound, id)
	}
	if err != nil {
		return Asset{}, fmt.Errorf("catalog: asset %s: %w", id, err)
	}
	return a, nil
}
