package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/quangba/quangba/catalog"
)

// searchJSON is the --json output, shaped like the API's answer.
type searchJSON struct {
	Items []searchItem              `json:"items"`
	Facet map[string]map[string]int `json:"facets"`
	Next  string                    `json:"next,omitempty"`
	Total int                       `json:"total"`
}

type searchItem struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Status       string `json:"status"`
	Organisation string `json:"organisation"`
	FileName     string `json:"original_file_name"`
	TitleVi      string `json:"title_vi,omitempty"`
	TitleEn      string `json:"title_en,omitempty"`
}

// cmdSearch searches the catalogue like GET /api/v1/assets and prints a
// table of matches with facet counts, or JSON.
func cmdSearch(ctx context.Context, args []string) int {
	fl := flag.NewFlagSet("search", flag.ContinueOnError)
	config := fl.String("config", "", "configuration file")
	asJSON := fl.Bool("json", false, "print JSON like the API")
	var q catalog.SearchQuery
	var themes, org, from, to string
	fl.StringVar(&q.Kind, "kind", "", "photo, clip or trailer")
	fl.StringVar(&themes, "theme", "", "themes, comma-separated (a theme includes its sub-themes)")
	fl.StringVar(&q.Status, "status", "", "status, e.g. ready or approved")
	fl.StringVar(&org, "org", "", "organisation name")
	fl.StringVar(&q.DateField, "date-field", "", "captured or uploaded (default uploaded)")
	fl.StringVar(&from, "from", "", "first day, YYYY-MM-DD")
	fl.StringVar(&to, "to", "", "last day, YYYY-MM-DD")
	fl.StringVar(&q.Orientation, "orientation", "", "landscape, portrait or square")
	fl.StringVar(&q.HasSubtitle, "has-subtitle", "", "a subtitle language the asset has")
	fl.StringVar(&q.LacksSubtitle, "lacks-subtitle", "", "a subtitle language a clip or trailer lacks")
	fl.StringVar(&q.Incomplete, "incomplete", "", "a language in which title or caption is not reviewed")
	fl.StringVar(&q.SHA256, "sha256", "", "the asset with this SHA-256")
	fl.StringVar(&q.Sort, "sort", "", "relevance, captured or uploaded")
	fl.IntVar(&q.Limit, "limit", 50, "page size (at most 500)")
	fl.StringVar(&q.Cursor, "cursor", "", "the next page's cursor from a previous search")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "Usage: quangba search [--json] [filters] WORDS...\n\nWords match with or without diacritics (\"buon ma thuot\" finds Buôn Ma Thuột).")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return flagExit(err)
	}
	q.Text = strings.Join(fl.Args(), " ")
	for _, t := range strings.Split(themes, ",") {
		if t = strings.TrimSpace(t); t != "" {
			q.Themes = append(q.Themes, t)
		}
	}
	for _, d := range []struct {
		v   string
		dst **time.Time
	}{{from, &q.From}, {to, &q.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.v, time.FixedZone("ICT", 7*3600))
		if err != nil {
			return fatal(fmt.Errorf("ngày %q phải có dạng 2026-03-10 / date must look like 2026-03-10", d.v))
		}
		*d.dst = &t
	}
	a, err := setup(ctx, *config)
	if err != nil {
		return fatal(err)
	}
	defer a.Close()
	if org != "" {
		o, err := a.db.OrgByName(ctx, org)
		if err != nil {
			return fatal(err)
		}
		q.OrgID = o.ID
	}
	res, err := a.db.Search(ctx, q)
	if err != nil {
		return fatal(err)
	}
	out := searchJSON{Items: []searchItem{}, Facet: res.Facets, Next: res.Next, Total: res.Total}
	for _, as := range res.Assets {
		m, err := a.db.Metadata(ctx, as.ID)
		if err != nil {
			return fatal(err)
		}
		out.Items = append(out.Items, searchItem{ID: as.ID, Kind: as.Kind, Status: as.Status, Organisation: as.OrgName, FileName: as.RawFileName,
			TitleVi: m.Text(catalog.FieldTitle, "vi").Value, TitleEn: m.Text(catalog.FieldTitle, "en").Value})
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fatal(err)
		}
		return 0
	}
	printSearch(out)
	return 0
}

func printSearch(out searchJSON) {
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tKIND\tSTATUS\tTITLE VI / EN\tORGANISATION")
	for _, it := range out.Items {
		title := it.TitleVi + " / " + it.TitleEn
		if it.TitleVi == "" && it.TitleEn == "" {
			title = it.FileName
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", it.ID, it.Kind, it.Status, title, it.Organisation)
	}
	w.Flush()
	fmt.Printf("\n%d kết quả / results\n", out.Total)
	for _, name := range []string{catalog.FacetTheme, catalog.FacetKind, catalog.FacetStatus, catalog.FacetOrganisation} {
		counts := out.Facet[name]
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
		}
		fmt.Printf("%s: %s\n", name, strings.Join(parts, ", "))
	}
	if out.Next != "" {
		fmt.Printf("next page: --cursor %s\n", out.Next)
	}
}
