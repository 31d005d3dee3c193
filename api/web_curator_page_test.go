package api

import (
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export/profile"
)

// The curator pages' samples for TestEveryPageRenders (web_render_test.go).
func init() {
	at := time.Date(2026, 3, 9, 17, 30, 0, 0, time.UTC)
	asset := catalog.Asset{ID: "01HZXAAAAAAAAAAAAAAAAAAAAA", Kind: catalog.KindPhoto, Status: catalog.StatusReady, OrgName: "Báo Đắk Lắk",
		Uploader: "Lan Anh", FileName: "ho-lak.jpg", CreatedAt: at}
	pageSamples["review"] = func() any {
		return reviewData{Rows: []reviewRow{
			{Asset: asset, TitleVI: "Hồ Lắk", TitleEN: "Lak Lake", Alt: "Hồ Lắk", Pending: []pendingField{{"caption", "en", "empty"}, {"title", "en", "draft"}}},
			{Asset: catalog.Asset{ID: "01HZXB", Kind: catalog.KindClip, OrgName: "Đài PT-TH", FileName: "le-hoi.mp4", CreatedAt: at}, Alt: "le-hoi.mp4"},
		}, Kind: catalog.KindPhoto, Org: "Báo Đắk Lắk", Theme: "tourism", Kinds: queueKinds, Orgs: []string{"Báo Đắk Lắk", "Đài PT-TH"},
			Themes: []option{{"tourism", "Du lịch"}, {"tourism/eco", "Du lịch › Sinh thái"}}, Cursor: "01HZX", FirstURL: "/review?kind=photo",
			NextURL: "/review?cursor=01HZXB&kind=photo", Back: "/review?kind=photo", Decisions: []string{"approve", "request_changes", "reject"}}
	}
	pageSamples["packages"] = func() any {
		return packagesData{Rows: []packageRow{{ID: "01P", Name: "Dự thi Việt Nam hạnh phúc", Profile: "Việt Nam hạnh phúc 2025", Assets: 1234, Updated: at, LastExport: "done"},
			{ID: "02P", Name: "Vietnam.vn quý 4", Profile: "Vietnam.vn", Updated: at}},
			Profiles: []option{{"happyvietnam-2025", "Việt Nam hạnh phúc 2025"}, {"vietnamvn", "Vietnam.vn"}}}
	}
	pageSamples["package"] = func() any {
		errF := findingRow{AssetID: asset.ID, Rule: "photo.min_pixels", Severity: "error", Message: "Ảnh cần tối thiểu 3.000 px", Value: "640×480 px", Limit: "3000 px"}
		warnF := findingRow{AssetID: asset.ID, Rule: "metadata.caption_words", Severity: "warning", Message: "Chú thích ngắn"}
		return packageData{Pkg: catalog.Package{ID: "01P", Name: catalog.Names{VI: "Gói", EN: "Package"}, Profile: "happyvietnam-2025", OrgName: "Sở VHTTDL",
			CreatedBy: "Biên tập", CreatedAt: at, UpdatedAt: at}, Name: "Gói", ProfileID: "happyvietnam-2025", ProfileName: "Việt Nam hạnh phúc 2025",
			Profiles: []option{{"happyvietnam-2025", "Việt Nam hạnh phúc 2025"}}, Errors: 1, Warnings: 1,
			Entries: []entryRow{{Seq: 1, AssetID: asset.ID, Title: "Chợ đêm", Alt: "Chợ đêm", Kind: "photo", File: "original", Name: "nguyen-van-a-001-cho-dem.jpg",
				Errors: []findingRow{errF}, Warnings: []findingRow{warnF}, Passes: 12,
				Groups: []findingGroup{{profile.Error, []findingRow{errF}}, {profile.Warning, []findingRow{warnF}}}},
				{Seq: 2, AssetID: "01Q", Title: "Hồ", Kind: "clip", Stripped: true, Passes: 3}},
			Exports: []catalog.Export{{PackageID: "01P", N: 2, Format: "zip", Status: "running", CreatedBy: "Biên tập", CreatedAt: at},
				{PackageID: "01P", N: 1, Format: "bagit", Status: "done", ByteSize: 4404019, SHA256: "0123456789abcdef0123", Files: 5, CreatedBy: "Biên tập", CreatedAt: at},
				{PackageID: "01P", N: 3, Format: "zip", Status: "failed", Error: "disk full", CreatedAt: at}},
			Done: []int{1}, Submissions: []submissionRow{{Submission: catalog.Submission{ID: 1, Export: 1, Destination: "happyvietnam", Reference: "HVN-1", Date: "2026-11-27"}, DateDMY: "27/11/2026"}},
			Destination: "happyvietnam", Today: "27/11/2026", HasRunningExports: true}
	}
	pageSamples["reports"] = func() any {
		return reportsData{From: "01/01/2026", To: "30/06/2026", Shown: true,
			Rows:         []reportRow{{Org: "Báo Đắk Lắk", Theme: "Du lịch", Kind: "Ảnh", ReportCounts: ReportCounts{Received: 1234, Approved: 3, Rejected: 1, Exported: 2}}},
			Total:        ReportCounts{Received: 1234, Approved: 3, Rejected: 1, Exported: 2},
			Destinations: []DestinationCount{{Destination: "happyvietnam", Label: "Happy Vietnam", Assets: 2, Packages: 1}},
			Quick:        []quickPeriod{{"cur.rep.first_half", "01/01/2026", "30/06/2026"}, {"cur.rep.whole_year", "01/01/2026", "31/12/2026"}},
			XLSX:         "/api/v1/reports/activity?from=2026-01-01&to=2026-06-30&format=xlsx", CSV: "/api/v1/reports/activity?from=2026-01-01&to=2026-06-30&format=csv"}
	}
}
