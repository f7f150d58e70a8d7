package storage_test

import (
	"context"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/storage"
	"claimtrail/storage/keyfile"
)

// TestEveryMutationWritesOneEventPerChange calls every storage method that
// changes something and counts the audit events it wrote: one per change
// (a bulk action changes each claim it names; an article comes with the
// candidates found in it, each created).
func TestEveryMutationWritesOneEventPerChange(t *testing.T) {
	n := newNewsroom(t)
	db := n.db
	db.SetTwoFactorKey((&keyfile.Keys{Audit: keyfile.NewAuditKey()}).TwoFactorKey()) // the chat webhook is sealed with it
	admin := mustCreateUser(t, db, "ada@newsroom.example", domain.RoleAdmin)
	bg := context.Background()
	var (
		newUser             *domain.User
		token               *domain.APIToken
		rating              = &domain.Rating{Name: "Spun", Value: 1, OnScale: true}
		article             = &domain.Article{Title: "Rail", Body: "Fares rose by 8% this year. Trains ran late. Stations got busier.", Origin: domain.OriginAPI, Fingerprint: "fp-rail"}
		first, second       = &domain.Claim{Text: "Fares rose by 8% this year.", Sentence: "Fares rose by 8% this year.", End: 27, Type: domain.TypeQuantity}, &domain.Claim{Text: "Trains ran late.", Sentence: "Trains ran late.", Start: 28, End: 44, Type: domain.TypeOther}
		checked, a, b, c, d int64
		version             int64
		sourceA, sourceB    int64
		falseID             = n.ratingID(t, "False")
		verdict             *domain.Verdict
		returning, other    *domain.Claim
		appearance          int64
	)
	setVerdict := func(v *domain.Verdict, err error) error {
		if err == nil {
			verdict, version = v, v.Version
		}
		return err
	}
	steps := []struct {
		name string
		want int
		do   func() error
	}{
		{"CreateUser", 1, func() error {
			newUser = &domain.User{Email: "new@newsroom.example", Name: "New", Role: domain.RoleReviewer}
			return db.CreateUser(as(admin), newUser, "hash")
		}},
		{"SetUserRole", 1, func() error { _, err := db.SetUserRole(as(admin), newUser.ID, domain.RoleEditor); return err }},
		{"CreateAPIToken for the new user", 1, func() error {
			_, err := db.CreateAPIToken(as(newUser), newUser.ID, "first script", "new-token-hash-1")
			return err
		}},
		{"another CreateAPIToken for the new user", 1, func() error {
			_, err := db.CreateAPIToken(as(newUser), newUser.ID, "second script", "new-token-hash-2")
			return err
		}},
		// Deactivating revokes both tokens: still one event, which names them.
		{"SetUserActive", 1, func() error { _, err := db.SetUserActive(as(admin), newUser.ID, false); return err }},
		{"SetUserActive again", 1, func() error { _, err := db.SetUserActive(as(admin), newUser.ID, true); return err }},
		{"SetUserPassword", 1, func() error { _, err := db.SetUserPassword(as(admin), newUser.ID, "hash2", true); return err }},
		{"ChangeOwnPassword", 1, func() error { _, err := db.ChangeOwnPassword(as(newUser), newUser.ID, "hash3"); return err }},
		{"RecordSignIn", 1, func() error { return db.RecordSignIn(as(newUser), newUser.ID, "user.signed_in") }},
		{"EndSession", 1, func() error { return db.EndSession(as(newUser), newUser.ID, "sid-1", time.Now().Add(-time.Hour)) }},
		{"CreateAPIToken", 1, func() (err error) {
			token, err = db.CreateAPIToken(as(n.rita), n.rita.ID, "script", "token-hash")
			return err
		}},
		{"RevokeAPIToken", 1, func() error { _, err := db.RevokeAPIToken(as(n.rita), n.rita.ID, token.ID); return err }},
		{"CreateRating", 1, func() error { return db.CreateRating(as(n.eddie), rating) }},
		{"UpdateRating", 1, func() error { rating.Name = "Spun hard"; return db.UpdateRating(as(n.eddie), rating) }},
		{"MoveRating", 1, func() error { return db.MoveRating(as(n.eddie), rating.ID, true) }},
		{"DeleteRating", 1, func() error { return db.DeleteRating(as(n.eddie), rating.ID) }},
		{"SetSettings", 1, func() error {
			return db.SetSettings(as(admin), map[string]string{storage.SettingPublisherName: "Ledger Checks", storage.SettingPublisherURL: "https://ledger.example"})
		}},
		{"CreateArticle with two candidates", 3, func() error { return db.CreateArticle(as(n.rita), article, []*domain.Claim{first, second}) }},
		{"UpdateArticle", 1, func() error {
			next := *article
			next.Title = "Rail fares"
			_, err := db.UpdateArticle(as(n.rita), &next)
			return err
		}},
		{"AddManualClaim", 1, func() error { _, err := db.AddManualClaim(as(n.rita), article.ID, "", 45, 65); return err }},
		{"AcceptClaim", 1, func() error {
			_, err := db.AcceptClaim(as(n.rita), first.ID, "Rail fares rose by 8% this year.", 0)
			return err
		}},
		{"DismissClaim", 1, func() error {
			_, err := db.DismissClaim(as(n.rita), second.ID, domain.Dismissal{Reason: domain.DismissNotCheckable})
			return err
		}},
		{"AcceptClaims of two", 2, func() error {
			a = storage.InsertCandidateForTest(t, db, n.article, "Unemployment fell by 3% last year", 0, 0.9, domain.TypeQuantity)
			b = storage.InsertCandidateForTest(t, db, n.article, "Unemployment fell by 3% last year", 0, 0.8, domain.TypeQuantity)
			_, err := db.AcceptClaims(as(n.rita), n.article, []int64{a, b})
			return err
		}},
		{"DismissClaims of two", 2, func() error {
			c = storage.InsertCandidateForTest(t, db, n.article, "Unemployment fell by 3% last year", 0, 0.2, domain.TypeQuantity)
			d = storage.InsertCandidateForTest(t, db, n.article, "Unemployment fell by 3% last year", 0, 0.1, domain.TypeQuantity)
			_, err := db.DismissClaims(as(n.rita), n.article, []int64{c, d}, domain.Dismissal{Reason: domain.DismissNotCheckWorthy})
			return err
		}},
		{"TakeNext", 1, func() (err error) {
			cl, err := db.TakeNext(as(n.rita))
			if err == nil {
				checked = cl.ID
				// The bulk changes below work on two other queued claims.
				var others []int64
				for _, id := range []int64{first.ID, a, b} {
					if id != checked {
						others = append(others, id)
					}
				}
				a, b = others[0], others[1]
			}
			return err
		}},
		{"ReleaseClaim with a comment", 1, func() error { _, err := db.ReleaseClaim(as(n.rita), checked, "Out sick"); return err }},
		{"AssignClaim", 1, func() error { _, err := db.AssignClaim(as(n.eddie), checked, n.rita.ID, 0); return err }},
		{"AssignClaim to another", 1, func() error { _, err := db.AssignClaim(as(n.eddie), checked, n.emma.ID, 0); return err }},
		{"AssignClaim back", 1, func() error { _, err := db.AssignClaim(as(n.eddie), checked, n.rita.ID, 0); return err }},
		{"PrioritiseClaim", 1, func() error { return db.PrioritiseClaim(as(n.eddie), checked, domain.PriorityUrgent, 0) }},
		{"SetClaimPriority of two", 2, func() error {
			_, err := db.SetClaimPriority(as(n.eddie), storage.Refs(a, b), domain.PriorityHigh)
			return err
		}},
		{"SetClaimDue", 1, func() error {
			_, err := db.SetClaimDue(as(n.eddie), checked, time.Now().AddDate(0, 0, 3), 0)
			return err
		}},
		{"BulkAssign of two", 2, func() error { _, err := db.BulkAssign(as(n.eddie), storage.Refs(a, b), n.emma.ID); return err }},
		{"SaveVerdict", 1, func() error {
			v, err := db.VerdictByClaim(bg, checked)
			if err != nil {
				return err
			}
			return setVerdict(db.SaveVerdict(as(n.rita), checked, domain.VerdictInput{RatingID: falseID, Conclusion: "Wrong."}, v.Version))
		}},
		{"AddSource", 1, func() error { return setVerdict(db.AddSource(as(n.rita), checked, onsSource, version)) }},
		{"AddSource again", 1, func() error {
			err := setVerdict(db.AddSource(as(n.rita), checked, domain.Source{URL: "https://ledger.example/b", Title: "B", Type: domain.SourceOther}, version))
			if err == nil {
				sourceA, sourceB = verdict.Sources[0].ID, verdict.Sources[1].ID
			}
			return err
		}},
		{"UpdateSource", 1, func() error {
			s := onsSource
			s.Title = "Labour market overview, May"
			return setVerdict(db.UpdateSource(as(n.rita), checked, sourceA, s, version))
		}},
		{"MoveSource", 1, func() error { return setVerdict(db.MoveSource(as(n.rita), checked, sourceB, true, version)) }},
		{"RemoveSource", 1, func() error { return setVerdict(db.RemoveSource(as(n.rita), checked, sourceB, version)) }},
		{"ReplaceVerdict with new sources", 1, func() error {
			return setVerdict(db.ReplaceVerdict(as(n.rita), checked, domain.VerdictInput{RatingID: falseID, Conclusion: "Wrong.", Explanation: "See ONS."},
				[]domain.Source{onsSource}, version))
		}},
		{"SubmitVerdict with what was typed", 1, func() error {
			return setVerdict(db.SubmitVerdict(as(n.rita), checked, &domain.VerdictInput{RatingID: falseID, Conclusion: "It fell by 0.3 points."}, version))
		}},
		{"ReturnVerdict", 1, func() error { return setVerdict(db.ReturnVerdict(as(n.eddie), checked, "Cite the table.", version)) }},
		{"SubmitVerdict", 1, func() error { return setVerdict(db.SubmitVerdict(as(n.rita), checked, nil, version)) }},
		{"ApproveVerdict", 1, func() error { return setVerdict(db.ApproveVerdict(as(n.eddie), checked, version)) }},
		// The approved claim comes back in a new article: the article, its
		// two candidates and the appearance recorded at once.
		{"CreateArticle with a returning claim", 4, func() error {
			c, err := db.ClaimByID(bg, checked)
			if err != nil {
				return err
			}
			returning = &domain.Claim{Text: c.Text, Sentence: c.Text, End: len(c.Text), Score: 0.9, Type: domain.TypeQuantity}
			other = &domain.Claim{Text: "Trains ran on time.", Sentence: "Trains ran on time.", Start: len(c.Text) + 1, End: len(c.Text) + 20, Score: 0.2}
			again := &domain.Article{Title: "Again", Body: c.Text + " Trains ran on time.", Origin: domain.OriginAPI, Fingerprint: "fp-again"}
			if err := db.CreateArticle(as(n.rita), again, []*domain.Claim{returning, other}); err != nil {
				return err
			}
			apps, err := db.ClaimAppearances(bg, checked)
			if err == nil && len(apps) == 1 {
				appearance = apps[0].ID
			}
			return err
		}},
		{"ApplyVerdict", 1, func() error { _, err := db.ApplyVerdict(as(n.emma), checked, appearance); return err }},
		{"RemoveAppearance", 1, func() error {
			_, err := db.RemoveAppearance(as(n.emma), checked, appearance, "Not the same.")
			return err
		}},
		// Recorded at triage: the appearance, and the candidate dismissed as already checked.
		{"RecordAsAppearance", 2, func() error { _, err := db.RecordAsAppearance(as(n.rita), other.ID, checked, 0); return err }},
		{"ReopenClaim", 1, func() error { _, err := db.ReopenClaim(as(n.eddie), checked, "The ONS revised it."); return err }},
		{"AddComment", 1, func() error { _, err := db.AddComment(as(n.rita), checked, "On it."); return err }},
		{"ExportClaims", 1, func() error {
			_, err := db.ExportClaims(as(n.rita), storage.ExportFilter{}, func(*storage.ExportRow) error { return nil })
			return err
		}},
		{"RecordClaimReviewExport", 1, func() error { return db.RecordClaimReviewExport(as(admin), 3, true) }},
		{"RebuildDesk", 1, func() error { return db.RebuildDesk(as(admin)) }},
		// A person's choice of notifications and the chat webhook are
		// changes to record; a choice that changes nothing records nothing.
		{"SetNotificationPrefs", 1, func() error {
			return db.SetNotificationPrefs(as(n.rita), n.rita.ID, map[domain.NotificationEvent]bool{domain.NotifyReturned: true, domain.NotifyWaiting: true, domain.NotifyAssigned: true})
		}},
		{"SetNotificationPrefs unchanged", 0, func() error {
			return db.SetNotificationPrefs(as(n.rita), n.rita.ID, map[domain.NotificationEvent]bool{domain.NotifyReturned: true, domain.NotifyWaiting: true, domain.NotifyAssigned: true})
		}},
		{"SetSettings chat webhook", 1, func() error {
			return db.SetSettings(as(admin), map[string]string{storage.SettingNotifyWebhookURL: "https://chat.example/hooks/T000/B000/secret"})
		}},
		// Notifications are each person's inbox, made from events already
		// recorded: making them, reading them and delivering them to the chat
		// record nothing more (docs/architecture.md).
		{"NotifyFromAudit", 0, func() error {
			made, err := db.NotifyFromAudit(bg, 1000)
			if err == nil && made == 0 {
				t.Error("NotifyFromAudit read no events")
			}
			return err
		}},
		{"NotifyOverdue", 0, func() error { _, err := db.NotifyOverdue(bg, time.Now().AddDate(0, 0, 30)); return err }},
		{"MarkNotificationsRead", 0, func() error { return db.MarkNotificationsRead(as(n.rita), n.rita.ID) }},
		{"WebhookTried", 0, func() error {
			msgs, _, err := db.DueWebhookMessages(bg, time.Now().Add(time.Minute), 10)
			if err != nil {
				return err
			}
			if len(msgs) == 0 {
				t.Fatal("no chat message waiting after notifications were made with a webhook set")
			}
			return db.WebhookTried(bg, msgs[0].ID, "", time.Now())
		}},
	}
	count := func() int {
		n, err := db.VerifyAudit(bg)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, s := range steps {
		before := count()
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := count() - before; got != s.want {
			t.Errorf("%s wrote %d audit events, want %d", s.name, got, s.want)
		}
	}
}
