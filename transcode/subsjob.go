package transcode

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode/ffmpeg"
	"github.com/quangba/quangba/transcode/video"
)

// subsPayload asks for the subtitled renditions of a clip.
type subsPayload struct {
	Burn string `json:"burn,omitempty"` // a language to burn into the picture
}

// languageNames title the tracks in players' subtitle menus.
var languageNames = map[string]string{"vi": "Tiếng Việt", "en": "English"}

// RequestSubtitled queues the job that makes the soft-subtitled MP4
// (every track as a tagged mov_text stream) and, when burn names a
// language, the burned-in MP4 for social media.
func (s *Service) RequestSubtitled(ctx context.Context, a catalog.Asset, burn string, actor catalog.Principal) (catalog.Job, error) {
	if a.Kind == catalog.KindPhoto {
		return catalog.Job{}, fmt.Errorf("%w: asset %s is a photo", ErrNotVideo, a.ID)
	}
	tracks, err := s.subs.db.Subtitles(ctx, a.ID)
	if err != nil {
		return catalog.Job{}, err
	}
	if len(tracks) == 0 || (burn != "" && !hasTrack(tracks, burn)) {
		return catalog.Job{}, fmt.Errorf("%w: no %q track on asset %s", catalog.ErrNotFound, burn, a.ID)
	}
	body, _ := json.Marshal(subsPayload{Burn: burn})
	j := catalog.Job{Type: catalog.JobSubs, AssetID: a.ID, OrgID: actor.OrgID, ActorID: actor.UserID, Payload: body}
	return j, wrap("queue subtitled renditions", s.queue.Enqueue(ctx, &j))
}

func hasTrack(ts []catalog.SubtitleTrack, lang string) bool {
	for _, t := range ts {
		if t.Lang == lang {
			return true
		}
	}
	return false
}

// subsJob makes the `subtitled` rendition from the delivery file and the
// `burned-<lang>` one from the proxy.
func (s *Service) subsJob(ctx context.Context, a *attempt) (Outcome, error) {
	var p subsPayload
	if err := json.Unmarshal(a.job.Payload, &p); err != nil {
		return Outcome{}, permanent(CodeInternal, fmt.Errorf("subs payload: %w", err))
	}
	asset, err := s.cat.Asset(ctx, a.job.AssetID)
	if err != nil {
		return Outcome{}, wrap("asset", err)
	}
	srts, err := s.writeTracks(ctx, a, asset)
	if err != nil {
		return Outcome{}, err
	}
	soft, err := s.softSubbed(ctx, a, asset, srts)
	if err != nil {
		return Outcome{}, err
	}
	files := []catalog.File{soft}
	if p.Burn != "" {
		burned, err := s.burned(ctx, a, asset, p.Burn, srts)
		if err != nil {
			return Outcome{}, err
		}
		files = append(files, burned)
	}
	return Outcome{Files: files}, nil
}

// writeTracks writes every stored track of the asset as SRT in the scratch folder.
func (s *Service) writeTracks(ctx context.Context, a *attempt, asset catalog.Asset) ([]ffmpeg.SubTrack, error) {
	var out []ffmpeg.SubTrack
	for _, lang := range s.subs.cfg.Langs {
		tr, _, err := s.subs.Track(ctx, asset, lang)
		if err != nil {
			continue // no track in this language
		}
		path := filepath.Join(a.dir, lang+".srt")
		if err := os.WriteFile(path, tr.SRT(), 0o600); err != nil {
			return nil, wrap("scratch subtitles", err)
		}
		out = append(out, ffmpeg.SubTrack{Path: path, Lang: lang, Title: languageNames[lang]})
	}
	if len(out) == 0 {
		return nil, permanent(CodeMissing, fmt.Errorf("asset %s has no subtitle tracks", asset.ID))
	}
	return out, nil
}

func (s *Service) rendition(ctx context.Context, a *attempt, asset catalog.Asset, name string) (string, error) {
	files, err := s.cat.Files(ctx, asset.ID)
	if err != nil {
		return "", wrap("files of "+asset.ID, err)
	}
	for _, f := range files {
		if f.Name == name {
			return s.fetch(ctx, f.StorageKey, filepath.Join(a.dir, name+".mp4"))
		}
	}
	return "", fmt.Errorf("asset %s has no %s yet: %w", asset.ID, name, errNotReady)
}

// errNotReady: the video job has not made the file yet; a retry will find it.
var errNotReady = fmt.Errorf("not processed yet")

func (s *Service) softSubbed(ctx context.Context, a *attempt, asset catalog.Asset, tracks []ffmpeg.SubTrack) (catalog.File, error) {
	src, err := s.rendition(ctx, a, asset, "delivery")
	if err != nil {
		return catalog.File{}, err
	}
	out := filepath.Join(a.dir, "subtitled.mp4")
	if err := video.SoftSubtitle(ctx, src, tracks, out, s.cfg.Video); err != nil {
		return catalog.File{}, wrap("soft subtitles", err)
	}
	w, h := upright(asset.Width, asset.Height, asset.Rotation)
	return s.putFile(ctx, a, "subtitled", "mp4", "video/mp4", out, w, h)
}

func (s *Service) burned(ctx context.Context, a *attempt, asset catalog.Asset, lang string, tracks []ffmpeg.SubTrack) (catalog.File, error) {
	src, err := s.rendition(ctx, a, asset, "proxy")
	if err != nil {
		return catalog.File{}, err
	}
	var srt string
	for _, t := range tracks {
		if t.Lang == lang {
			srt = t.Path
		}
	}
	if srt == "" {
		return catalog.File{}, permanent(CodeMissing, fmt.Errorf("no %s subtitles to burn in", lang))
	}
	out := filepath.Join(a.dir, "burned.mp4")
	if err := video.BurnIn(ctx, src, srt, out, s.cfg.Burn, s.cfg.Video); err != nil {
		return catalog.File{}, wrap("burn in subtitles", err)
	}
	files, _ := s.cat.Files(ctx, asset.ID)
	w, h := 0, 0
	for _, f := range files {
		if f.Name == "proxy" {
			w, h = f.Width, f.Height
		}
	}
	return s.putFile(ctx, a, "burned-"+lang, "mp4", "video/mp4", out, w, h)
}

// embeddedSubtitles keeps the text subtitle tracks inside an uploaded video
// as the asset's tracks, for each language in use that has none yet. A
// track that cannot be read is logged, not fatal: the video is fine.
func (s *Service) embeddedSubtitles(ctx context.Context, a *attempt, asset catalog.Asset, src string) {
	if s.subs == nil || asset.SubtitleStreams == 0 {
		return
	}
	dir := filepath.Join(a.dir, "subs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return
	}
	found, err := video.ExtractSubtitles(ctx, src, dir, s.cfg.Video)
	if err != nil {
		s.log.Warn("transcode: embedded subtitles", "asset", asset.ID, "err", err)
		return
	}
	have, _ := s.subs.db.Subtitles(ctx, asset.ID)
	for _, e := range found {
		lang := s.subtitleLang(e.Stream.Lang)
		if e.Path == "" || lang == "" || hasTrack(have, lang) {
			continue
		}
		data, err := os.ReadFile(e.Path)
		if err == nil {
			_, err = s.subs.Attach(ctx, asset, lang, fmt.Sprintf("embedded stream %d", e.Stream.Index), data, catalog.Principal{})
		}
		if err != nil {
			s.log.Warn("transcode: embedded subtitles", "asset", asset.ID, "stream", e.Stream.Index, "err", err)
			continue
		}
		have = append(have, catalog.SubtitleTrack{Lang: lang})
	}
}

// subtitleLang maps a stream's ISO 639-2 tag to a language in use.
func (s *Service) subtitleLang(tag string) string {
	for _, l := range s.subs.cfg.Langs {
		if tag == l || tag == ffmpeg.ISO6392(l) {
			return l
		}
	}
	return ""
}
