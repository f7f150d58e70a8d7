package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/web"
	"claimtrail/web/ingest"
)

// demoArticle is a made-up UK politics report, written for claimtrail's demo.
// It carries the kinds of claim newsrooms check (a money figure from a
// minister, a share of GDP and a pledge, an attributed quote), some
// sentences that are not claims, and a donation appeal on top of the kind
// scrapers leave in, which the extractor should set aside.
var demoArticle = ingest.Article{
	Title:       "Chancellor says predecessors left £22 billion hole as defence pledge is questioned",
	Outlet:      "The Westminster Ledger (demo)",
	Author:      "Demo Political Correspondent",
	URL:         "https://demo.claimtrail.invalid/politics/chancellor-22-billion-hole",
	PublishedAt: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
	Text: `Independent reporting needs your support. Please donate today or sign up to our newsletter to help us keep our journalism free for every reader.

The Chancellor has told the House of Commons that the previous government left a "£22 billion black hole" in the public finances, and said difficult choices on spending would follow.

Speaking during Treasury questions on Monday, she said the shortfall had been uncovered in an audit of departmental budgets carried out in the new government's first weeks.

Opposition frontbenchers rejected the figure, saying it mixed one-off pressures with ordinary in-year overspends.

The Defence Secretary said the UK now spends 2.3% of GDP on defence, and repeated the government's pledge to reach 2.5% "as soon as the economy allows".

"We inherited armed forces that had been hollowed out for years, and we will not let that stand," said Jordan Ashby, the Armed Forces Minister.

Mr Ashby added that the number of regular troops had fallen in every year since 2010.

The debate ran for just over two hours. MPs are expected to return to the subject when the spending review is published later this year.`,
}

// seedDemoContent adds the demo article once, through the same path as an
// article added in the browser, as the system. It returns the article's id
// when it was added now, and 0 when it was already there.
func seedDemoContent(ctx context.Context, db *storage.DB, out io.Writer) (int64, error) {
	a, candidates, err := web.PrepareArticle(demoArticle, domain.OriginDemo)
	if err != nil {
		return 0, err
	}
	ctx = domain.WithActor(ctx, domain.SystemActor)
	err = db.CreateArticle(ctx, a, candidates)
	var dup *storage.DuplicateArticleError
	switch {
	case errors.As(err, &dup):
		fmt.Fprintf(out, "Demo article already present: /articles/%d\n", dup.ID)
		return 0, nil
	case err != nil:
		return 0, err
	}
	fmt.Fprintf(out, "Demo article added with %d candidate claims: /articles/%d\n", len(candidates), a.ID)
	return a.ID, nil
}
