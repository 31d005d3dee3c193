package catalog

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestReviewTransitions(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "r1")
	steps := []struct {
		actor            Principal
		decision, note   string
		status           string // after; "" when refused
		restricted       bool
		forbidden, field bool // the kind of refusal; neither means an illegal transition
	}{
		{actor: curator, decision: "publish", field: true},
		{actor: curator, decision: DecisionRequestChanges, note: "  ", field: true},
		{actor: contrib, decision: DecisionApprove, forbidden: true},
		{actor: curator, decision: DecisionArchive},
		{actor: curator, decision: DecisionResubmit},
		{actor: curator, decision: DecisionRequestChanges, note: "Thiếu chú thích tiếng Anh.", status: StatusChangesRequested},
		{actor: curator, decision: DecisionApprove},
		{actor: contrib, decision: DecisionResubmit, note: "Đã bổ sung.", status: StatusReady},
		{actor: curator, decision: DecisionApprove, status: StatusApproved},
		{actor: contrib, decision: DecisionSendBack, forbidden: true},
		{actor: curator, decision: DecisionRestrict, status: StatusApproved, restricted: true},
		{actor: contrib, decision: DecisionUnrestrict, forbidden: true},
		{actor: curator, decision: DecisionUnrestrict, status: StatusApproved},
		{actor: curator, decision: DecisionReject, note: "x"},
		{actor: curator, decision: DecisionArchive, status: StatusArchived},
		{actor: curator, decision: DecisionSendBack, status: StatusReady},
		{actor: curator, decision: DecisionReject, field: true},
		{actor: curator, decision: DecisionReject, note: "Ảnh trùng với tư liệu đã có.", status: StatusRejected},
		{actor: curator, decision: DecisionApprove},
		{actor: contrib, decision: DecisionResubmit},
	}
	reviews := 0
	for i, s := range steps {
		name := fmt.Sprintf("step %d: %s %s", i+1, s.actor.Role, s.decision)
		got, err := d.Review(ctx, a.ID, s.decision, s.note, s.actor)
		var fe *FieldError
		var te *TransitionError
		switch {
		case s.status != "":
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			reviews++
			if got.Status != s.status || got.Review.Restricted != s.restricted {
				t.Errorf("%s: status %s restricted %v, want %s %v", name, got.Status, got.Review.Restricted, s.status, s.restricted)
			}
		case s.forbidden:
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v, want ErrForbidden", name, err)
			}
		case s.field:
			if !errors.As(err, &fe) || fe.Vi == "" || fe.En == "" {
				t.Errorf("%s: %v, want a *FieldError", name, err)
			}
		default:
			if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) || te.Vi == "" || te.En == "" {
				t.Errorf("%s: %v, want a *TransitionError", name, err)
			}
		}
	}
	final, _ := d.Asset(ctx, a.ID)
	if r := final.Review; final.Status != StatusRejected || r.Note != "Ảnh trùng với tư liệu đã có." || r.By != "biên tập" || r.ByID != curator.UserID || r.At == nil {
		t.Errorf("after rejection: %s %+v; want the reason, reviewer and time", final.Status, r)
	}
	events, _ := d.AuditFor(ctx, "asset", a.ID)
	var logged []Event
	for _, e := range events {
		if e.Action == "asset.review" {
			logged = append(logged, e)
		}
	}
	if len(logged) != reviews {
		t.Fatalf("%d asset.review events, want %d (refusals write none)", len(logged), reviews)
	}
	first, last := logged[0].Detail, logged[len(logged)-1].Detail
	if first["decision"] != DecisionRequestChanges || first["from"] != StatusReady || first["to"] != StatusChangesRequested || first["note"] != "Thiếu chú thích tiếng Anh." {
		t.Errorf("first review event = %v", first)
	}
	if last["from"] != StatusReady || last["to"] != StatusRejected || logged[len(logged)-1].ActorID != curator.UserID {
		t.Errorf("last review event = %v", last)
	}
	if r := logged[3].Detail; r["decision"] != DecisionRestrict || r["from"] != StatusApproved || r["to"] != StatusApproved || r["restricted"] != true {
		t.Errorf("restrict event = %v", r)
	}
}

func TestReviewRefusesUnprocessedAssets(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	org, _ := d.EnsureOrg(ctx, "Báo Đắk Lắk")
	k, _ := d.CreateToken(ctx, "Sở VHTTDL", "biên tập", RoleCurator)
	curator, _ := d.Authenticate(ctx, k.Secret)
	for _, status := range []string{StatusProcessing, StatusFailed} {
		a := testAsset(org, "p-"+status)
		a.Status = status
		if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "originals/" + status, MIME: "image/jpeg"}); err != nil {
			t.Fatal(err)
		}
		for _, decision := range []string{DecisionApprove, DecisionReject, DecisionRequestChanges, DecisionArchive, DecisionSendBack} {
			_, err := d.Review(ctx, a.ID, decision, "lý do", curator)
			if !errors.Is(err, ErrInvalidTransition) {
				t.Errorf("%s a %s asset: %v, want ErrInvalidTransition", decision, status, err)
			}
		}
		if got, _ := d.Asset(ctx, a.ID); got.Status != status {
			t.Errorf("status changed to %s", got.Status)
		}
	}
	if _, err := d.Review(ctx, "nope", DecisionApprove, "", curator); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown asset: %v", err)
	}
}

// TestJobsLeaveReviewStatusAlone: a job finishing on an approved asset (a
// subtitled rendition, say) does not send it back to ready.
func TestJobsLeaveReviewStatusAlone(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _, curator := metaAsset(t, d, "j1")
	if _, err := d.Review(ctx, a.ID, DecisionApprove, "", curator); err != nil {
		t.Fatal(err)
	}
	err := d.InTx(ctx, func(tx *Tx) error { return tx.refreshStatus(ctx, a.ID) })
	if got, _ := d.Asset(ctx, a.ID); err != nil || got.Status != StatusApproved {
		t.Errorf("after refreshStatus: %s, %v", got.Status, err)
	}
}

func TestHistoryNewestFirstWithActors(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "h1")
	if _, err := d.EditMetadata(ctx, a.ID, MetaEdit{Creator: strp("Nguyễn Văn A")}, contrib, langs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Review(ctx, a.ID, DecisionApprove, "", curator); err != nil {
		t.Fatal(err)
	}
	hs, err := d.History(ctx, "asset", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hs {
		got = append(got, h.Action+" by "+h.Actor)
	}
	want := "[asset.review by biên tập asset.metadata by phóng viên asset.ingest by ]"
	if fmt.Sprint(got) != want {
		t.Errorf("history = %v, want %s", got, want)
	}
	if hs[0].Detail["to"] != StatusApproved {
		t.Errorf("review detail = %v", hs[0].Detail)
	}
}

func TestReviewQueueOldestFirst(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _, curator := metaAsset(t, d, "q0")
	other, _ := d.EnsureOrg(ctx, "Đài PT-TH Phú Yên")
	ids := []string{a.ID}
	for i, org := range []Org{{ID: a.OrgID}, other, other} {
		b := testAsset(org, fmt.Sprint("q", i+1))
		if i == 2 {
			b.Kind = KindClip
		}
		if err := d.InsertAsset(ctx, b, File{Name: "original", StorageKey: fmt.Sprint("originals/q", i+1), MIME: "image/jpeg"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	if _, err := d.Review(ctx, ids[1], DecisionApprove, "", curator); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.ExecContext(ctx, "INSERT INTO asset_themes (asset_id, theme, set_at) VALUES (?, 'tourism/eco', ?), (?, 'tourismx', ?)",
		ids[0], now(), ids[2], now()); err != nil {
		t.Fatal(err)
	}
	page := func(q QueueQuery) []string {
		t.Helper()
		var out []string
		for i := 0; i < 10; i++ {
			as, next, err := d.ReviewQueue(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				out = append(out, a.ID)
			}
			if q.Cursor = next; next == "" {
				break
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		q    QueueQuery
		want []string
	}{
		{"all, one per page", QueueQuery{Limit: 1}, []string{ids[0], ids[2], ids[3]}},
		{"clips", QueueQuery{Kind: KindClip}, []string{ids[3]}},
		{"one organisation", QueueQuery{Org: "Đài PT-TH Phú Yên"}, []string{ids[2], ids[3]}},
		{"theme with sub-themes", QueueQuery{Theme: "tourism"}, []string{ids[0]}},
	} {
		if got := page(c.q); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if _, _, err := d.ReviewQueue(ctx, QueueQuery{Kind: "poster"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
}
