package catalog

import (
	"fmt"
	"strings"
)

// Action is something a principal may or may not do to an asset.
type Action string

// Actions checked by Check. Review decisions have one action each;
// restrict covers unrestrict too.
const (
	ActView              Action = "view"
	ActEditMetadata      Action = "edit_metadata"
	ActEditThemes        Action = "edit_themes"
	ActAttachSubtitles   Action = "attach_subtitles"
	ActCut               Action = "cut"
	ActRequestRenditions Action = "request_renditions"
	ActApprove           Action = "approve"
	ActReject            Action = "reject"
	ActRequestChanges    Action = "request_changes"
	ActArchive           Action = "archive"
	ActSendBack          Action = "send_back"
	ActResubmit          Action = "resubmit"
	ActRestrict          Action = "restrict"
	ActExport            Action = "export"
	ActRetryJob          Action = "retry_job"
	ActManage            Action = "manage"
)

// Actions lists every action, in the order above.
func Actions() []Action {
	return []Action{ActView, ActEditMetadata, ActEditThemes, ActAttachSubtitles, ActCut, ActRequestRenditions,
		ActApprove, ActReject, ActRequestChanges, ActArchive, ActSendBack, ActResubmit, ActRestrict,
		ActExport, ActRetryJob, ActManage}
}

// contributorEdits are what a contributor may do to their organisation's
// asset until it is decided (approved, rejected or archived).
var contributorEdits = map[Action]bool{ActEditMetadata: true, ActEditThemes: true, ActAttachSubtitles: true,
	ActCut: true, ActRequestRenditions: true}

// viAction names an action in Vietnamese for messages.
var viAction = map[Action]string{ActView: "xem", ActEditMetadata: "sửa thông tin", ActEditThemes: "gán chủ đề",
	ActAttachSubtitles: "gắn phụ đề", ActCut: "cắt trailer", ActRequestRenditions: "yêu cầu tạo bản xuất",
	ActApprove: "duyệt", ActReject: "từ chối", ActRequestChanges: "yêu cầu chỉnh sửa", ActArchive: "lưu trữ",
	ActSendBack: "trả về chờ duyệt", ActResubmit: "gửi lại", ActRestrict: "đặt hoặc bỏ hạn chế", ActExport: "xuất",
	ActRetryJob: "chạy lại công việc", ActManage: "quản trị"}

// PermissionError is an action refused to a principal, with the reason in
// Vietnamese and English. It is an ErrForbidden.
type PermissionError struct {
	Action Action
	Vi, En string
}

func (e *PermissionError) Error() string {
	return "catalog: forbidden: " + string(e.Action) + ": " + e.En
}

// Unwrap makes a PermissionError an ErrForbidden.
func (e *PermissionError) Unwrap() error { return ErrForbidden }

// Can reports whether p may do act to a.
func Can(p Principal, act Action, a Asset) bool { return Check(p, act, a) == nil }

// Check returns nil when p may do act to a, and otherwise a
// *PermissionError saying why. The rules, in one place:
//
//   - nobody exports an asset that is not approved or is restricted;
//   - admins may do everything else;
//   - curators may do everything else except manage;
//   - contributors see and act on their own organisation's assets only;
//     they edit (metadata, themes, subtitles, cuts, renditions) until the
//     asset is approved, rejected or archived, and they may resubmit; the
//     other actions are for curators.
func Check(p Principal, act Action, a Asset) error {
	if _, ok := viAction[act]; !ok {
		return deny(act, fmt.Sprintf("Không có thao tác %q.", act), fmt.Sprintf("There is no action %q.", act))
	}
	if act == ActExport && (p.Role == RoleCurator || p.Role == RoleAdmin) {
		return checkExportable(a)
	}
	switch p.Role {
	case RoleAdmin:
		return nil
	case RoleCurator:
		if act == ActManage {
			return deny(act, "Chỉ quản trị viên được quản trị.", "Only admins can manage organisations, users and settings.")
		}
		return nil
	case RoleContributor:
		return checkContributor(p, act, a)
	}
	return deny(act, fmt.Sprintf("Vai trò %q không có quyền nào.", p.Role), fmt.Sprintf("Role %q has no permissions.", p.Role))
}

func checkContributor(p Principal, act Action, a Asset) error {
	switch {
	case a.OrgID != p.OrgID:
		return deny(act, "Tư liệu thuộc đơn vị khác.", "The asset belongs to another organisation.")
	case act == ActView || act == ActResubmit:
		return nil
	case contributorEdits[act] && decided(a.Status):
		return deny(act, fmt.Sprintf("Tư liệu %s; chỉ biên tập viên được %s.", viStatus(a.Status), viAction[act]),
			fmt.Sprintf("The asset is %s; only curators can change it now.", enStatus(a.Status)))
	case contributorEdits[act]:
		return nil
	}
	return deny(act, fmt.Sprintf("Chỉ biên tập viên và quản trị viên được %s.", viAction[act]),
		fmt.Sprintf("Only curators and admins can %s.", enAction(act)))
}

func checkExportable(a Asset) error {
	switch {
	case a.Review.Restricted:
		return deny(ActExport, "Tư liệu bị hạn chế; không được xuất.", "The asset is restricted and can never be exported.")
	case a.Status != StatusApproved:
		return deny(ActExport, fmt.Sprintf("Tư liệu %s; chỉ xuất được tư liệu đã duyệt.", viStatus(a.Status)),
			fmt.Sprintf("The asset is %s; only approved assets can be exported.", enStatus(a.Status)))
	}
	return nil
}

// decided reports whether a status ends the contributor's part.
func decided(status string) bool {
	return status == StatusApproved || status == StatusRejected || status == StatusArchived
}

func deny(act Action, vi, en string) error { return &PermissionError{Action: act, Vi: vi, En: en} }

func enAction(act Action) string {
	if act == ActRestrict {
		return "restrict or unrestrict assets"
	}
	return strings.ReplaceAll(string(act), "_", " ")
}
