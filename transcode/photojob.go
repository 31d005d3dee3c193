package transcode

import (
	"context"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode/photo"
)

// photoJob makes the photo rendition set of an asset.
func (s *Service) photoJob(ctx context.Context, a *attempt) (Outcome, error) {
	_, src, err := s.jobAsset(ctx, a)
	if err != nil {
		return Outcome{}, err
	}
	files, err := s.renditions(ctx, a, src)
	return Outcome{Files: files}, err
}

// renditions renders and stores the photo rendition set of the image at src.
func (s *Service) renditions(ctx context.Context, a *attempt, src string) ([]catalog.File, error) {
	opts := s.cfg.Photo
	opts.TempDir = a.dir
	outs, err := photo.Render(ctx, src, opts)
	if err != nil {
		return nil, wrap("renditions", err)
	}
	files := make([]catalog.File, 0, len(outs))
	for _, o := range outs {
		f, err := s.putBytes(ctx, a, o.Name, "jpg", "image/jpeg", o.JPEG, o.Width, o.Height)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}
