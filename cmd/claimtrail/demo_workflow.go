package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
)

// demoWorkflow takes some of the demo article's claims part of the way
// through the newsroom, so that every page has something on it at first
// sign-in: a published check, a verdict waiting for the editor, a claim in
// review with the reviewer (high priority, due soon), claims in the queue, a
// dismissed sentence and candidates still to triage. Every step goes through the same storage calls as the browser,
// as the demo reviewer and editor, so the history and audit log read as they
// would in a newsroom.
func demoWorkflow(ctx context.Context, db *storage.DB, articleID int64, out io.Writer) error {
	rita, err := db.UserByEmail(ctx, "reviewer@newsroom.example")
	if err != nil {
		return err
	}
	eddie, err := db.UserByEmail(ctx, "editor@newsroom.example")
	if err != nil {
		return err
	}
	asRita := domain.WithActor(ctx, domain.Actor{UserID: rita.ID, Label: rita.Email})
	asEddie := domain.WithActor(ctx, domain.Actor{UserID: eddie.ID, Label: eddie.Email})

	claims, err := db.ArticleClaims(ctx, articleID)
	if err != nil {
		return err
	}
	find := func(fragment string) (int64, error) {
		for _, c := range claims {
			if strings.Contains(c.Sentence, fragment) {
				return c.ID, nil
			}
		}
		return 0, fmt.Errorf("the demo article has no sentence containing %q", fragment)
	}
	ratings, err := db.ListRatings(ctx)
	if err != nil {
		return err
	}
	rating := func(name string) int64 {
		for _, r := range ratings {
			if r.Name == name {
				return r.ID
			}
		}
		return 0 // an edited scale: the verdict goes in without a rating
	}
	var hole, share, troops, rebuttal, audit, debate int64
	for _, f := range []struct {
		id       *int64
		fragment string
	}{
		{&hole, "£22 billion"}, {&share, "2.3% of GDP"}, {&troops, "regular troops"},
		{&rebuttal, "Opposition frontbenchers"}, {&audit, "audit of departmental budgets"},
		{&debate, "just over two hours"},
	} {
		if *f.id, err = find(f.fragment); err != nil {
			return err
		}
	}

	steps := []func() error{
		// The reviewer triages the article.
		func() error { return accept(asRita, db, hole, share, troops, rebuttal, audit) },
		func() error {
			_, err := db.DismissClaim(asRita, debate, domain.Dismissal{Reason: domain.DismissNotCheckWorthy, Note: "Scene-setting about the debate, not a claim about the world."})
			return err
		},
		// The editor sets the order of work.
		func() error { return db.PrioritiseClaim(asEddie, hole, domain.PriorityUrgent, 0) },
		func() error { return db.PrioritiseClaim(asEddie, troops, domain.PriorityHigh, 0) },
		func() error {
			_, err := db.SetClaimDue(asEddie, troops, time.Now().UTC().AddDate(0, 0, 3), 0)
			return err
		},
		func() error {
			_, err := db.AssignClaim(asEddie, troops, rita.ID, 0)
			return err
		},
		func() error {
			_, err := db.AddComment(asEddie, hole, "This figure leads tonight's bulletin; please check it first.")
			return err
		},
		// The defence share is checked, and approved by the editor.
		func() error {
			return demoVerdict(asRita, asEddie, db, share, domain.VerdictInput{
				RatingID:   rating("Mostly true"),
				Conclusion: "Right on NATO's measure: the alliance put UK defence spending at about 2.3% of GDP for 2024.",
				Explanation: "NATO's annual estimates give the UK 2.33% of GDP for 2024. NATO counts items such as " +
					"military pensions, so shares worked out from the Ministry of Defence budget alone come out lower.",
			}, domain.Source{
				URL:       "https://www.nato.int/cps/en/natohq/topics_49198.htm",
				Title:     "Defence expenditures and NATO's 2% guideline",
				Publisher: "NATO",
				Type:      domain.SourceOfficialStatistics,
				Quote:     "United Kingdom: 2.33% of GDP (2024 estimate)",
			})
		},
		func() error { return approve(asEddie, db, share) },
		// The £22 billion claim is checked and waits for the editor.
		func() error {
			return demoVerdict(asRita, asEddie, db, hole, domain.VerdictInput{
				RatingID: rating("Half true"),
				Conclusion: "The figure is real but is an in-year estimate of spending pressures, not an audited " +
					"shortfall, so \"black hole\" overstates how settled it is.",
				Explanation: "The Treasury's July 2024 spending audit identified about £22 billion of pressures on " +
					"that year's budgets. Much of it was pay awards and asylum costs that could still be managed within the year.",
			}, domain.Source{
				URL:       "https://www.gov.uk/government/publications/fixing-the-foundations-public-spending-audit-2024-25",
				Title:     "Fixing the foundations: public spending audit 2024-25",
				Publisher: "HM Treasury",
				Type:      domain.SourcePrimaryDocument,
				Quote:     "in-year spending pressures of £21.9 billion",
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	// A publisher, so the published check carries its ClaimReview markup and
	// the feed is on; the site address is left to the request.
	if pub, err := db.PublishingSettings(ctx); err != nil {
		return err
	} else if pub.Publisher.Name == "" {
		if err := db.SetSettings(domain.WithActor(ctx, domain.SystemActor), map[string]string{
			storage.SettingPublisherName: "claimtrail demo newsroom",
			storage.SettingPublisherURL:  "https://demo.claimtrail.invalid",
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "Demo workflow: claims in the queue and in review, a verdict waiting for the editor, and a published check at /checks/%d\n", share)
	return nil
}

func accept(ctx context.Context, db *storage.DB, ids ...int64) error {
	for _, id := range ids {
		if _, err := db.AcceptClaim(ctx, id, "", 0); err != nil {
			return err
		}
	}
	return nil
}

// demoVerdict has the editor assign the claim to the reviewer, who writes
// the verdict, adds one source and submits it; ctx carries the reviewer.
func demoVerdict(ctx, editor context.Context, db *storage.DB, claimID int64, in domain.VerdictInput, src domain.Source) error {
	if _, err := db.AssignClaim(editor, claimID, domain.ActorFrom(ctx).UserID, 0); err != nil {
		return err
	}
	v, err := db.VerdictByClaim(ctx, claimID)
	if err != nil {
		return err
	}
	if v, err = db.SaveVerdict(ctx, claimID, in, v.Version); err != nil {
		return err
	}
	src.AccessedAt = time.Now().UTC()
	if v, err = db.AddSource(ctx, claimID, src, v.Version); err != nil {
		return err
	}
	_, err = db.SubmitVerdict(ctx, claimID, nil, v.Version)
	return err
}

func approve(ctx context.Context, db *storage.DB, claimID int64) error {
	v, err := db.VerdictByClaim(ctx, claimID)
	if err != nil {
		return err
	}
	_, err = db.ApproveVerdict(ctx, claimID, v.Version)
	return err
}
