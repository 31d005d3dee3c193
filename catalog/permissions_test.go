package catalog

import (
	"errors"
	"strings"
	"testing"
)

// TestPermissionMatrix covers every role × action × the states that
// matter. Each row lists one verdict per action, in the order of Actions():
// view | the five edits | approve reject request_changes archive send_back
// resubmit restrict | export | retry_job manage.
func TestPermissionMatrix(t *testing.T) {
	const own, other = 1, 2
	roles := map[string]Principal{
		"contributor":       {UserID: 10, OrgID: own, Role: RoleContributor},
		"other contributor": {UserID: 11, OrgID: other, Role: RoleContributor},
		"curator":           {UserID: 12, OrgID: 3, Role: RoleCurator},
		"admin":             {UserID: 13, OrgID: 3, Role: RoleAdmin},
	}
	states := map[string]Asset{
		"processing":        {OrgID: own, Status: StatusProcessing},
		"ready":             {OrgID: own, Status: StatusReady},
		"changes_requested": {OrgID: own, Status: StatusChangesRequested},
		"approved":          {OrgID: own, Status: StatusApproved},
		"restricted":        {OrgID: own, Status: StatusApproved, Review: Review{Restricted: true}},
		"rejected":          {OrgID: own, Status: StatusRejected},
		"archived":          {OrgID: own, Status: StatusArchived},
	}
	matrix := []struct{ role, state, want string }{
		{"contributor", "processing", "y yyyyy -----y- - --"},
		{"contributor", "ready", "y yyyyy -----y- - --"},
		{"contributor", "changes_requested", "y yyyyy -----y- - --"},
		{"contributor", "approved", "y ----- -----y- - --"},
		{"contributor", "restricted", "y ----- -----y- - --"},
		{"contributor", "rejected", "y ----- -----y- - --"},
		{"contributor", "archived", "y ----- -----y- - --"},
		{"other contributor", "ready", "- ----- ------- - --"},
		{"other contributor", "approved", "- ----- ------- - --"},
		{"other contributor", "restricted", "- ----- ------- - --"},
		{"curator", "ready", "y yyyyy yyyyyyy - y-"},
		{"curator", "approved", "y yyyyy yyyyyyy y y-"},
		{"curator", "restricted", "y yyyyy yyyyyyy - y-"},
		{"curator", "archived", "y yyyyy yyyyyyy - y-"},
		{"admin", "ready", "y yyyyy yyyyyyy - yy"},
		{"admin", "approved", "y yyyyy yyyyyyy y yy"},
		{"admin", "restricted", "y yyyyy yyyyyyy - yy"},
	}
	acts := Actions()
	for _, m := range matrix {
		want := strings.ReplaceAll(m.want, " ", "")
		if len(want) != len(acts) {
			t.Fatalf("%s/%s: %d verdicts for %d actions", m.role, m.state, len(want), len(acts))
		}
		p, a := roles[m.role], states[m.state]
		for i, act := range acts {
			err := Check(p, act, a)
			if got := err == nil; got != (want[i] == 'y') {
				t.Errorf("%s may %s a %s asset: %v, want %v", m.role, act, m.state, got, want[i] == 'y')
			}
			if Can(p, act, a) != (err == nil) {
				t.Errorf("Can and Check disagree on %s/%s/%s", m.role, act, m.state)
			}
			var pe *PermissionError
			if err != nil && (!errors.As(err, &pe) || !errors.Is(err, ErrForbidden) || pe.Vi == "" || pe.En == "" || pe.Vi == pe.En) {
				t.Errorf("%s/%s/%s: refusal %#v, want a *PermissionError with both messages", m.role, act, m.state, err)
			}
		}
	}
	if Can(roles["admin"], "delete", Asset{}) {
		t.Error("an unknown action is allowed")
	}
	if Can(Principal{Role: "guest"}, ActView, Asset{}) {
		t.Error("an unknown role may view")
	}
}

func TestExportable(t *testing.T) {
	for _, c := range []struct {
		a    Asset
		want bool
	}{
		{Asset{Status: StatusApproved}, true},
		{Asset{Status: StatusApproved, Review: Review{Restricted: true}}, false},
		{Asset{Status: StatusReady}, false},
		{Asset{Status: StatusArchived}, false},
		{Asset{Status: StatusRejected}, false},
	} {
		if got := c.a.Exportable(); got != c.want {
			t.Errorf("%s restricted=%v: Exportable = %v", c.a.Status, c.a.Review.Restricted, got)
		}
	}
}
