package api

import (
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
)

// PackageRequest creates or edits a package.
type PackageRequest struct {
	Name    *catalog.Names `json:"name"`
	Profile *string        `json:"profile"`
}

// PackageAssetsRequest adds assets to a package.
type PackageAssetsRequest struct {
	AssetIDs []string `json:"asset_ids"`
}

// ExportRequest asks for a bundle.
type ExportRequest struct {
	Format              string   `json:"format"`               // zip or bagit
	AcknowledgeWarnings bool     `json:"acknowledge_warnings"` // accept every current warning
	Acknowledge         []string `json:"acknowledge"`          // or these "asset_id/rule" warnings
}

// SubmissionRequest records that an export was sent.
type SubmissionRequest struct {
	Export      int    `json:"export"`
	Destination string `json:"destination"`
	Reference   string `json:"reference"`
	Date        string `json:"date"` // YYYY-MM-DD; default today
	Note        string `json:"note"`
}

// Package is a package with its validation, exports and submissions.
type Package struct {
	ID          string        `json:"id"`
	Name        catalog.Names `json:"name"`
	Profile     ProfileRef    `json:"profile"`
	Org         string        `json:"org"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	AssetIDs    []string      `json:"asset_ids"`
	Validation  *Validation   `json:"validation,omitempty"`
	Exports     []Export      `json:"exports"`
	Submissions []Submission  `json:"submissions"`
}

// ProfileRef names a package's profile.
type ProfileRef struct {
	ID          string          `json:"id"`
	Version     string          `json:"version"`
	Name        profile.Message `json:"name"`
	Destination string          `json:"destination"`
}

// Validation is a package checked against its profile.
type Validation struct {
	OK       bool              `json:"ok"` // no errors (warnings may remain)
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	Findings []profile.Finding `json:"findings"` // errors and warnings
	Assets   []AssetCheck      `json:"assets"`   // every rule per asset, passes included
}

// AssetCheck is one asset's outcome.
type AssetCheck struct {
	AssetID  string            `json:"asset_id"`
	Title    string            `json:"title"`
	File     string            `json:"file"`     // the stored file chosen (original, web, delivery, …)
	Name     string            `json:"name"`     // its name in the bundle
	Location string            `json:"location"` // kept or stripped
	Findings []profile.Finding `json:"findings"`
}

// Export is one bundle made from a package.
type Export struct {
	N              int        `json:"export"`
	Format         string     `json:"format"`
	Status         string     `json:"status"`
	Profile        string     `json:"profile"`
	ProfileVersion string     `json:"profile_version"`
	Destination    string     `json:"destination"`
	Bytes          int64      `json:"bytes"`
	SHA256         string     `json:"sha256,omitempty"`
	Files          int        `json:"files"`
	Assets         []string   `json:"asset_ids"`
	Acknowledged   []string   `json:"acknowledged_warnings"`
	Error          string     `json:"error,omitempty"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`
	FinishedAt     *time.Time `json:"finished_at,omitempty"`
	Download       string     `json:"download"` // the endpoint that serves the bundle
}

// Submission is a recorded submission.
type Submission struct {
	ID          int64     `json:"id"`
	Export      int       `json:"export"`
	Destination string    `json:"destination"`
	Reference   string    `json:"reference"`
	Date        string    `json:"date"`
	Note        string    `json:"note"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func toProfileRef(p *profile.Profile, id string) ProfileRef {
	if p == nil {
		return ProfileRef{ID: id}
	}
	return ProfileRef{ID: p.ID, Version: p.Version, Name: p.Name, Destination: p.Destination}
}

func toValidation(plan *export.Plan) *Validation {
	v := &Validation{Errors: plan.Errors(), Warnings: plan.Warnings(), Findings: plan.Findings(), Assets: []AssetCheck{}}
	v.OK = v.Errors == 0
	if v.Findings == nil {
		v.Findings = []profile.Finding{}
	}
	for _, e := range plan.Entries {
		ac := AssetCheck{AssetID: e.Asset.ID, Title: e.Meta.Text(catalog.FieldTitle, "vi").Value, Name: e.Name, Location: "kept", Findings: e.Findings}
		if e.File != nil {
			ac.File = e.File.Name
		}
		if e.Strip {
			ac.Location = "stripped"
		}
		v.Assets = append(v.Assets, ac)
	}
	return v
}

func toExport(e catalog.Export) Export {
	return Export{N: e.N, Format: e.Format, Status: e.Status, Profile: e.Profile, ProfileVersion: e.ProfileVersion, Destination: e.Destination,
		Bytes: e.ByteSize, SHA256: e.SHA256, Files: e.Files, Assets: nonNilStrings(e.Assets), Acknowledged: nonNilStrings(e.Acknowledged),
		Error: e.Error, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt,
		Download: "/api/v1/packages/" + e.PackageID + "/exports/" + itoa(e.N)}
}

func toSubmission(s catalog.Submission) Submission {
	return Submission{ID: s.ID, Export: s.Export, Destination: s.Destination, Reference: s.Reference, Date: s.Date, Note: s.Note,
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
