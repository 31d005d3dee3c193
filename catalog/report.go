package catalog

import (
	"context"
	"fmt"
	"time"
)

// ProvinceZone is the zone the province counts days in (UTC+7, no summer time).
var ProvinceZone = time.FixedZone("ICT", 7*3600)

// Report is the activity of a period, as the province reports it: how many
// products of which kind, on which theme, from which unit, sent where.
type Report struct {
	From, To     time.Time // first and last day, inclusive (midnight in ProvinceZone)
	Rows         []ReportRow
	Total        ReportCounts // each asset once, whatever its themes
	Destinations []DestinationCount
}

// ReportRow is the activity of one organisation, top-level theme and kind.
// An asset with several confirmed top-level themes counts under each.
type ReportRow struct {
	OrgID int64
	Org   string
	Theme string // top-level theme id ("tourism"); "" for an asset without a confirmed theme
	Kind  string
	ReportCounts
}

// ReportCounts counts distinct assets.
type ReportCounts struct {
	Received int // created in the period
	Approved int // a review moved it to approved in the period
	Rejected int // a review moved it to rejected in the period
	Exported int // exported (to any destination) in the period
}

// DestinationCount is what went to one destination in the period.
type DestinationCount struct {
	Destination string // "vietnamvn", "happyvietnam", …
	Assets      int    // distinct assets
	Packages    int    // distinct packages
}

// periodEvents is one row per (metric, asset) that happened in [?1, ?2).
//
// Times are stored as RFC 3339 in UTC with trimmed fractions ("…:05Z",
// "…:05.25Z"), which do not sort as text within one second; the bounds are
// whole seconds written without the "Z", so every stored time of the bound's
// second sorts after it and comparing text compares instants.
const periodEvents = `WITH ev(metric, asset_id) AS (
	SELECT 'received', id FROM assets WHERE created_at >= ?1 AND created_at < ?2
	UNION
	SELECT json_extract(detail, '$.to'), subject_id FROM audit_log
	WHERE action = 'asset.review' AND subject_type = 'asset' AND at >= ?1 AND at < ?2
		AND json_extract(detail, '$.to') IN ('approved', 'rejected')
		AND json_extract(detail, '$.from') IS NOT json_extract(detail, '$.to') -- not a restriction of an approved asset
	UNION
	SELECT 'exported', subject_id FROM audit_log
	WHERE action = 'asset.export' AND subject_type = 'asset' AND at >= ?1 AND at < ?2
)
`

const reportSums = `sum(ev.metric = 'received'), sum(ev.metric = 'approved'), sum(ev.metric = 'rejected'), sum(ev.metric = 'exported')`

// ActivityReport counts, for the days from..to inclusive in ProvinceZone
// (only the dates of from and to matter), the assets received, approved,
// rejected and exported by organisation × top-level theme × kind, with
// totals and a summary by destination. Themes are the confirmed ones.
func (d *DB) ActivityReport(ctx context.Context, from, to time.Time) (Report, error) {
	r := Report{From: reportDay(from), To: reportDay(to)}
	if r.To.Before(r.From) {
		return Report{}, fmt.Errorf("%w: report period ends (%s) before it starts (%s)", ErrInvalid, r.To.Format(time.DateOnly), r.From.Format(time.DateOnly))
	}
	start, end := reportBound(r.From), reportBound(r.To.AddDate(0, 0, 1))
	var err error
	if r.Rows, err = d.reportRows(ctx, start, end); err != nil {
		return Report{}, fmt.Errorf("catalog: activity report: %w", err)
	}
	if r.Total, err = d.reportTotal(ctx, start, end); err != nil {
		return Report{}, fmt.Errorf("catalog: activity report totals: %w", err)
	}
	if r.Destinations, err = d.reportDestinations(ctx, start, end); err != nil {
		return Report{}, fmt.Errorf("catalog: activity report destinations: %w", err)
	}
	return r, nil
}

// reportDay is midnight in ProvinceZone of t's date (read in t's own zone).
func reportDay(t time.Time) time.Time {
	y, m, dd := t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, ProvinceZone)
}

// reportBound is t as a period bound for stored times (see periodEvents).
func reportBound(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func (d *DB) reportRows(ctx context.Context, start, end string) ([]ReportRow, error) {
	rows, err := d.db.QueryContext(ctx, periodEvents+`,
	top(asset_id, theme) AS (
		SELECT DISTINCT asset_id, CASE WHEN instr(theme, '/') > 0 THEN substr(theme, 1, instr(theme, '/') - 1) ELSE theme END
		FROM asset_themes WHERE confirmed = 1
	)
	SELECT a.org_id, o.name, coalesce(t.theme, '') AS th, a.kind, `+reportSums+`
	FROM ev JOIN assets a ON a.id = ev.asset_id
	JOIN organisations o ON o.id = a.org_id
	LEFT JOIN top t ON t.asset_id = a.id
	GROUP BY a.org_id, th, a.kind
	ORDER BY o.name, th = '', th, CASE a.kind WHEN 'photo' THEN 0 WHEN 'clip' THEN 1 WHEN 'trailer' THEN 2 ELSE 3 END, a.kind`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReportRow
	for rows.Next() {
		var r ReportRow
		if err := rows.Scan(&r.OrgID, &r.Org, &r.Theme, &r.Kind, &r.Received, &r.Approved, &r.Rejected, &r.Exported); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (d *DB) reportTotal(ctx context.Context, start, end string) (ReportCounts, error) {
	var c ReportCounts
	err := d.db.QueryRowContext(ctx, periodEvents+`SELECT coalesce(sum(ev.metric = 'received'), 0), coalesce(sum(ev.metric = 'approved'), 0),
		coalesce(sum(ev.metric = 'rejected'), 0), coalesce(sum(ev.metric = 'exported'), 0)
		FROM ev JOIN assets a ON a.id = ev.asset_id`, start, end).Scan(&c.Received, &c.Approved, &c.Rejected, &c.Exported)
	return c, err
}

func (d *DB) reportDestinations(ctx context.Context, start, end string) ([]DestinationCount, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT coalesce(json_extract(l.detail, '$.destination'), '') AS dest,
		count(DISTINCT l.subject_id), count(DISTINCT nullif(json_extract(l.detail, '$.package'), ''))
		FROM audit_log l JOIN assets a ON a.id = l.subject_id
		WHERE l.action = 'asset.export' AND l.subject_type = 'asset' AND l.at >= ?1 AND l.at < ?2
		GROUP BY dest ORDER BY dest`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DestinationCount
	for rows.Next() {
		var c DestinationCount
		if err := rows.Scan(&c.Destination, &c.Assets, &c.Packages); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
