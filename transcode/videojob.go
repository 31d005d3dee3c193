package transcode

import (
	"context"
	"os"
	"path/filepath"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest/probe"
	"github.com/quangba/quangba/transcode/video"
)

// videoJob makes the poster (with the photo rendition set made from it),
// proxy and delivery files of a clip or trailer and measures its loudness.
func (s *Service) videoJob(ctx context.Context, a *attempt) (Outcome, error) {
	asset, src, err := s.jobAsset(ctx, a)
	if err != nil {
		return Outcome{}, err
	}
	outDir := filepath.Join(a.dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		return Outcome{}, wrap("scratch folder", err)
	}
	res, err := video.Process(ctx, src, outDir, videoInfo(asset), s.cfg.Video)
	if err != nil {
		return Outcome{}, wrap("video "+asset.ID, err)
	}
	files, err := s.storeVideo(ctx, a, asset, res)
	if err != nil {
		return Outcome{}, err
	}
	s.embeddedSubtitles(ctx, a, asset, src)
	return Outcome{Files: files, Loudness: &Loudness{IntegratedLUFS: res.LoudnessLUFS, TruePeakDBTP: res.TruePeakDBTP}}, nil
}

func (s *Service) storeVideo(ctx context.Context, a *attempt, asset catalog.Asset, res video.Result) ([]catalog.File, error) {
	poster, err := s.putFile(ctx, a, "poster", "jpg", "image/jpeg", res.Poster.Path, res.Poster.Width, res.Poster.Height)
	if err != nil {
		return nil, err
	}
	files, err := s.renditions(ctx, a, res.Poster.Path)
	if err != nil {
		return nil, err
	}
	files = append(files, poster)
	proxy, err := s.putFile(ctx, a, "proxy", "mp4", "video/mp4", res.Proxy.Path, res.Proxy.Width, res.Proxy.Height)
	if err != nil {
		return nil, err
	}
	files = append(files, proxy)
	delivery, err := s.delivery(ctx, a, asset, res)
	if err != nil {
		return nil, err
	}
	return append(files, delivery), nil
}

// delivery stores the delivery file, or points at the original when that
// already is one (an MP4 with H.264/AAC up to 1080p and faststart).
func (s *Service) delivery(ctx context.Context, a *attempt, asset catalog.Asset, res video.Result) (catalog.File, error) {
	if res.Delivery != nil {
		d := res.Delivery
		return s.putFile(ctx, a, "delivery", "mp4", "video/mp4", d.Path, d.Width, d.Height)
	}
	files, err := s.cat.Files(ctx, asset.ID)
	if err != nil {
		return catalog.File{}, wrap("files of "+asset.ID, err)
	}
	for _, f := range files {
		if f.Role == "original" {
			w, h := upright(asset.Width, asset.Height, asset.Rotation)
			return catalog.File{Name: "delivery", StorageKey: f.StorageKey, MIME: "video/mp4", ByteSize: f.ByteSize, SHA256: f.SHA256, Width: w, Height: h}, nil
		}
	}
	return catalog.File{}, permanent(CodeMissing, os.ErrNotExist)
}

func upright(w, h, rotation int) (int, int) {
	if rotation == 90 || rotation == 270 {
		return h, w
	}
	return w, h
}

// videoInfo rebuilds what probing found at ingest, so the worker need not
// probe again.
func videoInfo(a catalog.Asset) probe.Info {
	return probe.Info{
		Format: probe.Format{Name: a.Format, MIME: a.MIME, Class: probe.ClassVideo},
		Width:  a.Width, Height: a.Height, Duration: a.Duration, VideoCodec: a.VideoCodec, AudioCodec: a.AudioCodec,
		FrameRate: a.FrameRate, Rotation: a.Rotation, HasAudio: a.HasAudio, Subtitles: a.SubtitleStreams,
	}
}
