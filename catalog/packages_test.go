package catalog

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPackagesAdmitOnlyApprovedUnrestrictedAssets(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "p1")
	b := testAsset(Org{ID: contrib.OrgID}, "p2")
	c := testAsset(Org{ID: contrib.OrgID}, "p3")
	for _, x := range []*Asset{b, c} {
		if err := d.InsertAsset(ctx, x, File{Name: "original", StorageKey: "originals/" + x.SHA256, MIME: "image/jpeg"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{a.ID, c.ID} {
		if _, err := d.Review(ctx, id, DecisionApprove, "", curator); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Review(ctx, c.ID, DecisionRestrict, "Khu vực biên giới", curator); err != nil {
		t.Fatal(err)
	}

	p := &Package{Profile: "happyvietnam-2025", Name: Names{VI: "  Gói dự thi  ", EN: "Contest entries"}}
	if err := d.CreatePackage(ctx, p, contrib); !errors.Is(err, ErrForbidden) {
		t.Fatalf("contributor created a package: %v", err)
	}
	if err := d.CreatePackage(ctx, &Package{Profile: "x", Name: Names{EN: "only English"}}, curator); !errors.Is(err, ErrInvalid) {
		t.Fatalf("package without a Vietnamese name: %v", err)
	}
	if err := d.CreatePackage(ctx, p, curator); err != nil {
		t.Fatal(err)
	}
	added, refused, err := d.AddToPackage(ctx, p.ID, []string{a.ID, b.ID, c.ID, a.ID, "nope"}, curator)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0] != a.ID {
		t.Errorf("added %v, want only the approved asset", added)
	}
	codes := map[string]string{}
	for _, r := range refused {
		codes[r.AssetID] = r.Code
		if r.Vi == "" || r.En == "" {
			t.Errorf("refusal of %s has no bilingual reason: %+v", r.AssetID, r)
		}
	}
	want := map[string]string{b.ID: "not_exportable", c.ID: "not_exportable", "nope": "not_found"}
	for id, code := range want {
		if codes[id] != code {
			t.Errorf("refusal of %s = %q, want %q", id, codes[id], code)
		}
	}
	if len(refused) != 4 { // the repeated a is refused as a duplicate
		t.Errorf("refused %d, want 4: %+v", len(refused), refused)
	}
	got, err := d.Package(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name.VI != "Gói dự thi" || got.OrgName != curator.OrgName || len(got.AssetIDs) != 1 {
		t.Errorf("package = %+v", got)
	}
	if err := d.RemoveFromPackage(ctx, p.ID, b.ID, curator); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing an asset not in the package: %v", err)
	}
	if err := d.RemoveFromPackage(ctx, p.ID, a.ID, curator); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Package(ctx, p.ID); len(got.AssetIDs) != 0 {
		t.Errorf("after removal: %v", got.AssetIDs)
	}
}

func TestExportsAreNumberedAuditedAndSubmitted(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _, curator := metaAsset(t, d, "e1")
	if _, err := d.Review(ctx, a.ID, DecisionApprove, "", curator); err != nil {
		t.Fatal(err)
	}
	p := &Package{Profile: "vietnamvn", Name: Names{VI: "Gửi cổng Vietnam.vn"}}
	if err := d.CreatePackage(ctx, p, curator); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.AddToPackage(ctx, p.ID, []string{a.ID}, curator); err != nil {
		t.Fatal(err)
	}
	start := func() Export {
		e := Export{PackageID: p.ID, Format: "bagit", Profile: "vietnamvn", ProfileVersion: "2026.1", Destination: "vietnamvn", Assets: []string{a.ID}}
		if err := d.StartExport(ctx, &e, curator); err != nil {
			t.Fatal(err)
		}
		return e
	}
	e1, e2 := start(), start()
	if e1.N != 1 || e2.N != 2 {
		t.Fatalf("export numbers %d, %d", e1.N, e2.N)
	}
	sub := Submission{PackageID: p.ID, Export: 1, Reference: "VN-2026-0042"}
	if err := d.AddSubmission(ctx, &sub, curator); !errors.Is(err, ErrInvalid) {
		t.Errorf("submitting a running export: %v", err)
	}
	if err := d.FinishExport(ctx, p.ID, 1, ExportResult{StorageKey: "exports/x/1.zip", ByteSize: 10, SHA256: "ab", Files: 3}, curator); err != nil {
		t.Fatal(err)
	}
	if err := d.FinishExport(ctx, p.ID, 1, ExportResult{}, curator); !errors.Is(err, ErrInvalid) {
		t.Errorf("finishing twice: %v", err)
	}
	if n, err := d.FailInterruptedExports(ctx); err != nil || n != 1 {
		t.Errorf("interrupted exports = %d, %v; want 1 (export 2)", n, err)
	}
	es, err := d.Exports(ctx, p.ID)
	if err != nil || len(es) != 2 {
		t.Fatalf("exports = %+v, %v", es, err)
	}
	if es[0].N != 2 || es[0].Status != ExportFailed || es[0].Error == "" || es[1].Status != ExportDone || es[1].StorageKey != "exports/x/1.zip" {
		t.Errorf("exports = %+v", es)
	}
	if err := d.AddSubmission(ctx, &Submission{PackageID: p.ID, Export: 1, Date: "27/11/2026"}, curator); !errors.Is(err, ErrInvalid) {
		t.Errorf("a dd/mm/yyyy date: %v", err)
	}
	if err := d.AddSubmission(ctx, &sub, curator); err != nil {
		t.Fatal(err)
	}
	subs, err := d.Submissions(ctx, p.ID)
	if err != nil || len(subs) != 1 || subs[0].Destination != "vietnamvn" || subs[0].Reference != "VN-2026-0042" || subs[0].CreatedBy != curator.UserName {
		t.Errorf("submissions = %+v, %v", subs, err)
	}
	r, err := d.ActivityReport(ctx, time.Now(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Destinations) != 1 || r.Destinations[0] != (DestinationCount{Destination: "vietnamvn", Assets: 1, Packages: 1}) || r.Total.Exported != 1 {
		t.Errorf("report destinations %+v, total %+v", r.Destinations, r.Total)
	}
}
