package storage_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimtrail/domain"
)

// BenchmarkAddArticleRecordingAppearances measures adding an article of 40
// candidates, half of them repeats of approved claims, over the matcher's
// benchmark newsroom: matching them once, keeping the matches and recording
// the appearances. Reported beside it: matching the same 40 alone
// (match-ms, what the add spends before its write) and reading the kept
// matches back for the article page (page-matches-ms).
func BenchmarkAddArticleRecordingAppearances(b *testing.B) {
	db := matchBenchDB(b)
	ctx := domain.WithActor(context.Background(), domain.SystemActor)
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	var times, matching, page []time.Duration
	appeared := 0
	for i := 0; b.Loop(); i++ {
		texts := make([]string, 40)
		for j := range texts {
			texts[j] = strings.TrimSpace(matchQueries["mixed"][(i*40+j)%len(matchQueries["mixed"])])
			if texts[j] == "" {
				texts[j] = "Nothing to see here."
			}
		}
		var body strings.Builder
		var cands []*domain.Claim
		for _, t := range texts {
			start := body.Len()
			body.WriteString(t)
			cands = append(cands, &domain.Claim{Text: t, Sentence: t, Start: start, End: body.Len(), Score: 0.8, Type: domain.TypeQuantity})
			body.WriteString(" ")
		}
		a := &domain.Article{Title: "Bench " + strconv.Itoa(i), Body: body.String(), Origin: domain.OriginAPI, Fingerprint: "bench-" + nonce + "-" + strconv.Itoa(i)}

		start := time.Now()
		if _, err := db.MatchMany(ctx, texts, 5); err != nil {
			b.Fatal(err)
		}
		matching = append(matching, time.Since(start))

		start = time.Now()
		if err := db.CreateArticle(ctx, a, cands); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))

		start = time.Now()
		if _, err := db.ArticleMatches(ctx, a.ID); err != nil {
			b.Fatal(err)
		}
		page = append(page, time.Since(start))
		got, err := db.CandidateAppearances(ctx, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		appeared += len(got)
	}
	reportLatency(b, times)
	p50 := func(ts []time.Duration) float64 {
		slices.Sort(ts)
		return float64(ts[len(ts)/2].Microseconds()) / 1000
	}
	b.ReportMetric(p50(matching), "match-ms")
	b.ReportMetric(p50(page), "page-matches-ms")
	b.ReportMetric(float64(appeared)/float64(len(times)), "appearances/article")
}
