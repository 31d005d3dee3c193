package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/transcode"
)

func cmdWorker(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("worker", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file (default: configs/quangba.yaml if present)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba worker [--config FILE]\n\nRuns transcoding jobs (renditions, posters, proxies, cuts) until stopped,\nbeside `serve` or on another machine sharing its data folder or S3 bucket\nand catalogue. A job cut short by Ctrl-C goes back to the queue.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	a.log.Info("worker started", "workers", a.jobs.Workers(), "data", a.cfg.DataDir, "storage", storageName(a))
	a.jobs.Run(ctx)
	return 0
}

func cmdCut(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("cut", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file (default: configs/quangba.yaml if present)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba cut [--config FILE] ASSET START END\n\nCuts START–END (seconds, e.g. 12.5, or m:ss.s) of a clip into a new trailer\nasset, frame-accurately, and prints the trailer's id. Workers then make its\nposter and proxy.")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	if fl.NArg() != 3 {
		fl.Usage()
		return 2
	}
	start, err1 := parseClock(fl.Arg(1))
	end, err2 := parseClock(fl.Arg(2))
	if err1 != nil || err2 != nil {
		return fatal(fmt.Errorf("START và END là số giây (12.5) hoặc phút:giây (1:02.5) / START and END are seconds (12.5) or m:ss.s (1:02.5)"))
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	src, err := a.db.Asset(ctx, fl.Arg(0))
	if err != nil {
		return fatal(cutError(fl.Arg(0), err))
	}
	res, err := a.jobs.CutNow(ctx, transcode.CutRequest{Source: src, Start: start, End: end})
	if err != nil {
		return fatal(cutError(fl.Arg(0), err))
	}
	note := ""
	if res.Duplicate {
		note = " (the same cut already existed)"
	}
	fmt.Printf("%s\n", res.AssetID)
	a.log.Info("trailer cut"+note, "asset", res.AssetID, "source", src.ID)
	return 0
}

// cutError says in both languages what a user can fix.
func cutError(id string, err error) error {
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		return fmt.Errorf("không có tư liệu %s / no asset %s", id, id)
	case errors.Is(err, transcode.ErrNotVideo):
		return fmt.Errorf("chỉ cắt được trailer từ video / trailers can only be cut from a clip: %w", err)
	case errors.Is(err, transcode.ErrBadRange):
		return fmt.Errorf("đoạn cắt không hợp lệ / invalid range: %w", err)
	}
	return err
}

// parseClock reads "12.5" or "1:02.5" or "1:00:02.5" as a duration.
func parseClock(s string) (time.Duration, error) {
	var total float64
	parts := strings.Split(strings.TrimSpace(s), ":")
	if len(parts) > 3 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	for _, p := range parts {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 {
			return 0, fmt.Errorf("bad time %q", s)
		}
		total = total*60 + f
	}
	return time.Duration(total * float64(time.Second)), nil
}
