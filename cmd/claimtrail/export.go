package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/claimreview"
	"claimtrail/storage"
	"claimtrail/web/csvexport"
)

func cmdExport(ctx context.Context, env *environment, args []string) error {
	fs, dbPath := newFlags(env, "export")
	format := fs.String("format", "csv", "csv, or claimreview for a JSON-LD array of every published check")
	out := fs.String("o", "", "write to `file` instead of standard output")
	since := fs.String("since", "", "only claims approved on or after this `date` (YYYY-MM-DD, UTC)")
	until := fs.String("until", "", "only claims approved on or before this `date` (YYYY-MM-DD, UTC)")
	state := fs.String("state", "", "claim `state` (default approved; all for every state)")
	rating := fs.String("rating", "", "only this rating `name`")
	outlet := fs.String("outlet", "", "only articles from this `outlet`")
	reviewer := fs.String("reviewer", "", "only verdicts written by this reviewer (`email`)")
	editor := fs.String("editor", "", "only verdicts approved by this editor (`email`)")
	claimType := fs.String("type", "", "only this claim `type`")
	bom := fs.Bool("bom", false, "start the CSV with a byte-order mark so that Excel reads it as UTF-8")
	baseURL := fs.String("base-url", env.getenv("CLAIMTRAIL_BASE_URL"), "public `URL` of the site for claim links (default: the admin setting)")
	stats := fs.Bool("stats", false, "print rows, time and peak memory to standard error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "claimreview" {
		return &usageError{msg: "-format must be csv or claimreview"}
	}
	filter, err := csvexport.ParseFilter(url.Values{"since": {*since}, "until": {*until}, "state": {*state}, "rating": {*rating},
		"outlet": {*outlet}, "reviewer": {*reviewer}, "editor": {*editor}, "claim_type": {*claimType}})
	if err != nil {
		var e *domain.Error
		errors.As(err, &e)
		for field, msg := range e.Fields {
			return &usageError{msg: fmt.Sprintf("-%s: %s", strings.Replace(field, "claim_type", "type", 1), msg)}
		}
	}

	start := time.Now()
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	pub, err := db.PublishingSettings(ctx)
	if err != nil {
		return err
	}
	if *baseURL != "" {
		if msg := domain.SiteAddressProblem(*baseURL); msg != "" {
			return &usageError{msg: fmt.Sprintf("-base-url %q: %s", *baseURL, msg)}
		}
		pub.BaseURL = strings.TrimRight(*baseURL, "/")
	}
	if filter.Rating != "" {
		// A typed name matches in any letter case; one that matches no
		// rating would export nothing, so it is refused with the choices.
		ratings, err := db.ListRatings(ctx)
		if err != nil {
			return err
		}
		var names []string
		found := false
		for _, r := range ratings {
			names = append(names, r.Name)
			if strings.EqualFold(r.Name, filter.Rating) && !found {
				filter.Rating, found = r.Name, true
			}
		}
		if !found {
			return &usageError{msg: fmt.Sprintf("-rating: no rating is called %q; the ratings are %s", filter.Rating, strings.Join(names, ", "))}
		}
	}

	var w io.Writer = env.stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return err
		}
		w = file
	}
	var n int
	if *format == "csv" {
		if pub.BaseURL == "" {
			fmt.Fprintln(env.stderr, "claimtrail: no public site address is set (-base-url or the admin settings); claim_url holds paths only")
		}
		n, err = exportCSV(ctx, db, w, filter, csvexport.Options{BOM: *bom, BaseURL: pub.BaseURL})
	} else {
		n, err = exportClaimReview(ctx, db, w, pub)
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(*out)
		}
	}
	if err != nil {
		return err
	}
	if *stats {
		elapsed := time.Since(start)
		fmt.Fprintf(env.stderr, "exported %d rows in %s (%.0f rows/s); peak RSS %s\n", n, elapsed.Round(time.Millisecond),
			float64(n)/elapsed.Seconds(), peakRSS())
	}
	return nil
}

func exportCSV(ctx context.Context, db *storage.DB, w io.Writer, filter storage.ExportFilter, opts csvexport.Options) (int, error) {
	cw := csvexport.NewWriter(w, opts)
	if err := cw.WriteHeader(); err != nil {
		return 0, err
	}
	n, err := db.ExportClaims(ctx, filter, cw.Write)
	if err != nil {
		return n, err
	}
	return n, cw.Flush()
}

func exportClaimReview(ctx context.Context, db *storage.DB, w io.Writer, pub storage.Publishing) (int, error) {
	if pub.Publisher.Name == "" || pub.BaseURL == "" {
		return 0, errors.New("ClaimReview needs the publishing organisation and the site's public address: set them on /admin/settings (or pass -base-url)")
	}
	values, err := db.RatingValues(ctx)
	if err != nil {
		return 0, err
	}
	scale := claimreview.ScaleOf(values)
	fw := claimreview.NewFeedWriter(w)
	n, err := db.AllPublishedChecks(ctx, func(p *domain.PublishedCheck) error {
		page := pub.BaseURL + "/checks/" + strconv.FormatInt(p.ClaimID, 10)
		return fw.Write(claimreview.Build(claimreview.CheckOf(p, page), pub.Publisher, scale))
	})
	if err == nil {
		err = fw.Close()
	}
	// Published checks are public, but a bulk copy is still worth a line in the log.
	if aerr := db.RecordClaimReviewExport(context.WithoutCancel(ctx), n, err == nil); err == nil {
		err = aerr
	}
	return n, err
}

// peakRSS is the process's peak resident memory, from /proc where there is one.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
