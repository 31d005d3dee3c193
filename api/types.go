package api

import (
	"time"

	"github.com/quangba/quangba/catalog"
)

// Asset is the API view of a catalogued asset.
type Asset struct {
	ID               string     `json:"id"`
	Kind             string     `json:"kind"`
	Status           string     `json:"status"`
	Organisation     string     `json:"organisation"`
	Uploader         string     `json:"uploader,omitempty"`
	FileName         string     `json:"file_name"`
	OriginalFileName string     `json:"original_file_name"`
	Format           string     `json:"format"`
	MIME             string     `json:"mime"`
	Bytes            int64      `json:"bytes"`
	SHA256           string     `json:"sha256"`
	Width            int        `json:"width,omitempty"`
	Height           int        `json:"height,omitempty"`
	Orientation      int        `json:"orientation,omitempty"`
	CapturedAt       *time.Time `json:"captured_at,omitempty"`
	Camera           *Camera    `json:"camera,omitempty"`
	GPS              *GPS       `json:"gps,omitempty"`
	Video            *Video     `json:"video,omitempty"`
	Warnings         []string   `json:"warnings"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	Links            Links      `json:"links"`
	// Failure says why processing failed (status "failed").
	Failure *Failure `json:"failure,omitempty"`
	// CutFrom names the clip and range a trailer was cut from.
	CutFrom *CutFrom `json:"cut_from,omitempty"`
	// Review is the last review decision, once there is one or the asset is restricted.
	Review *Review `json:"review,omitempty"`
	// Renditions and Metadata are on a single asset, not in listings.
	Renditions []Rendition      `json:"renditions,omitempty"`
	Metadata   map[string]any   `json:"metadata,omitempty"`
	Themes     []AssetThemeView `json:"themes,omitempty"`
}

// Failure explains a failed job in both languages.
type Failure struct {
	Code      string `json:"code"`
	MessageVi string `json:"message_vi"`
	MessageEn string `json:"message_en"`
	Detail    string `json:"detail,omitempty"` // the technical cause, in English
}

// CutFrom is a trailer's source.
type CutFrom struct {
	AssetID      string  `json:"asset_id"`
	StartSeconds float64 `json:"start_seconds"`
	EndSeconds   float64 `json:"end_seconds"`
}

// Rendition is one made file of an asset.
type Rendition struct {
	Name   string `json:"name"`
	MIME   string `json:"mime"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
	URL    string `json:"url"` // API path; redirects to a short-lived download link
}

// Camera names the device that made the file.
type Camera struct {
	Make  string `json:"make,omitempty"`
	Model string `json:"model,omitempty"`
}

// GPS is where the file was made.
type GPS struct {
	Lat float64  `json:"lat"`
	Lon float64  `json:"lon"`
	Alt *float64 `json:"alt,omitempty"`
}

// Video holds what only clips and trailers have.
type Video struct {
	DurationSeconds float64 `json:"duration_seconds"`
	VideoCodec      string  `json:"video_codec"`
	AudioCodec      string  `json:"audio_codec,omitempty"`
	FrameRate       float64 `json:"frame_rate"`
	Rotation        int     `json:"rotation"`
	HasAudio        bool    `json:"has_audio"`
	SubtitleStreams int     `json:"subtitle_streams"`
	// EBU R128 loudness, measured when processing is done (absent without audio).
	LoudnessLUFS *float64 `json:"loudness_lufs,omitempty"`
	TruePeakDBTP *float64 `json:"true_peak_dbtp,omitempty"`
}

// Links point at related resources.
type Links struct {
	Self     string `json:"self"`
	Original string `json:"original"`
	Thumb    string `json:"thumb"` // 404 until processing made it
}

// UploadResult is the answer to an upload.
type UploadResult struct {
	Asset
	Duplicate bool `json:"duplicate"`
}

// AssetPage is one page of a listing.
type AssetPage struct {
	Items []Asset `json:"items"`
	Next  string  `json:"next"` // cursor of the next page, "" on the last
}

func toAsset(a catalog.Asset) Asset {
	out := Asset{
		ID: a.ID, Kind: a.Kind, Status: a.Status, Organisation: a.OrgName, Uploader: a.Uploader,
		FileName: a.FileName, OriginalFileName: a.RawFileName, Format: a.Format, MIME: a.MIME,
		Bytes: a.ByteSize, SHA256: a.SHA256, Width: a.Width, Height: a.Height, Orientation: a.Orientation,
		CapturedAt: a.CapturedAt, Warnings: a.Warnings, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Links: Links{Self: "/api/v1/assets/" + a.ID, Original: "/api/v1/assets/" + a.ID + "/original",
			Thumb: "/api/v1/assets/" + a.ID + "/renditions/thumb"},
	}
	if a.Status == catalog.StatusFailed {
		out.Failure = failure(a.ProcessingError)
	}
	out.Review = toReview(a)
	if a.SourceAssetID != "" {
		out.CutFrom = &CutFrom{AssetID: a.SourceAssetID, StartSeconds: a.CutStart.Seconds(), EndSeconds: a.CutEnd.Seconds()}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if a.CameraMake != "" || a.CameraModel != "" {
		out.Camera = &Camera{Make: a.CameraMake, Model: a.CameraModel}
	}
	if a.GPS != nil {
		out.GPS = &GPS{Lat: a.GPS.Lat, Lon: a.GPS.Lon, Alt: a.GPS.Alt}
	}
	if a.Kind != catalog.KindPhoto {
		out.Video = &Video{DurationSeconds: a.Duration.Seconds(), VideoCodec: a.VideoCodec, AudioCodec: a.AudioCodec,
			FrameRate: a.FrameRate, Rotation: a.Rotation, HasAudio: a.HasAudio, SubtitleStreams: a.SubtitleStreams,
			LoudnessLUFS: a.LoudnessLUFS, TruePeakDBTP: a.TruePeakDBTP}
	}
	return out
}

func toRenditions(assetID string, files []catalog.File) []Rendition {
	out := []Rendition{}
	for _, f := range files {
		if f.Role != "rendition" {
			continue
		}
		out = append(out, Rendition{Name: f.Name, MIME: f.MIME, Width: f.Width, Height: f.Height, Bytes: f.ByteSize,
			URL: "/api/v1/assets/" + assetID + "/renditions/" + f.Name})
	}
	return out
}
