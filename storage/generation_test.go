package storage_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"claimtrail/domain"
	"claimtrail/domain/match"
	"claimtrail/storage"
)

// The reads kept between requests (the signed-in user, the unread count,
// the outlets, a claim's matches) must show every change at once: one made
// through this process, one made by another process on the same file (the
// command line), and one written around storage altogether. Each read is
// made twice before the change, so that it is kept when the change lands.
func TestCachedReadsShowEveryChangeAtOnce(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	other, err := storage.Open(ctx, n.db.Path) // another process on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	raw := rawDB(t, n.db)
	twice := func(read func()) { read(); read() }

	t.Run("session", func(t *testing.T) {
		sam := mustCreateUser(t, n.db, "sam@newsroom.example", domain.RoleReviewer)
		sessionOf := func(sid string) (*domain.User, bool) {
			t.Helper()
			u, ended, err := n.db.SessionUser(ctx, sam.ID, sid)
			if err != nil {
				t.Fatal(err)
			}
			return u, ended
		}
		twice(func() { sessionOf("s1") })
		if err := other.EndSession(as(sam), sam.ID, "s1", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, ended := sessionOf("s1"); !ended {
			t.Error("a session ended by another process still counts")
		}
		twice(func() { sessionOf("s2") })
		if _, err := raw.Exec(`UPDATE users SET name = 'Rita Renamed' WHERE id = ?`, sam.ID); err != nil {
			t.Fatal(err)
		}
		if u, _ := sessionOf("s2"); u.Name != "Rita Renamed" {
			t.Errorf("name %q after a change written around storage", u.Name)
		}
		twice(func() { sessionOf("s2") })
		admin := mustCreateUser(t, n.db, "admin@newsroom.example", domain.RoleAdmin)
		if _, err := n.db.SetUserActive(as(admin), sam.ID, false); err != nil {
			t.Fatal(err)
		}
		if u, _ := sessionOf("s2"); u.Active {
			t.Error("a deactivated account's session still finds it active")
		}
		// Each caller gets its own user.
		u, _ := sessionOf("s2")
		u.Name = "changed by a caller"
		if u, _ := sessionOf("s2"); u.Name == "changed by a caller" {
			t.Error("one caller's change to the user reached the next caller")
		}
	})

	t.Run("unread", func(t *testing.T) {
		unread := func() int {
			t.Helper()
			k, err := n.db.UnreadNotifications(ctx, n.eddie.ID)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		twice(func() { unread() })
		before := unread()
		claim := n.queued(t, 0.5, domain.PriorityNormal)
		if _, err := raw.Exec(`INSERT INTO notifications (user_id, event, claim_id, body, created_at) VALUES (?, 'waiting', ?, 'x', '2026-01-01T00:00:00.000000Z')`,
			n.eddie.ID, claim); err != nil {
			t.Fatal(err)
		}
		if got := unread(); got != before+1 {
			t.Errorf("unread %d after a new notification, want %d", got, before+1)
		}
		twice(func() { unread() })
		if err := other.MarkNotificationsRead(as(n.eddie), n.eddie.ID); err != nil {
			t.Fatal(err)
		}
		if got := unread(); got != 0 {
			t.Errorf("unread %d after marking all read elsewhere", got)
		}
	})

	t.Run("outlets", func(t *testing.T) {
		outlets := func() []string {
			t.Helper()
			o, err := n.db.Outlets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		twice(func() { outlets() })
		storage.InsertArticleForTest(t, other, "Ferry timetable", "The Harbour Gazette", "Ferries ran 12% later in May.")
		if got := outlets(); !slices.Contains(got, "The Harbour Gazette") {
			t.Errorf("outlets %v lack one added by another process", got)
		}
		got := outlets()
		got[0] = "changed by a caller"
		if slices.Contains(outlets(), "changed by a caller") {
			t.Error("one caller's change to the list reached the next caller")
		}
	})

	t.Run("matches", func(t *testing.T) {
		accept := func(db *storage.DB, text string) int64 {
			id := storage.InsertCandidateForTest(t, db, n.article, text, 0, 0.5, domain.TypeQuantity)
			storage.AcceptClaimForTest(t, db, actorCtx("triage@newsroom.example"), id, domain.PriorityNormal)
			return id
		}
		read := func(id int64) ([]int64, []match.Found) {
			t.Helper()
			d, found, err := n.db.ClaimDetailMatches(ctx, id, match.DefaultLimit)
			if err != nil {
				t.Fatal(err)
			}
			var similar []int64
			for _, s := range d.Similar {
				similar = append(similar, s.ID)
			}
			return similar, found
		}
		a := accept(n.db, "Ferry crossings to the islands rose by 14% in the summer")
		twice(func() { read(a) })
		b := accept(other, "Ferry crossings to the islands rose 14% this summer")
		similar, found := read(a)
		if !slices.Contains(similar, b) || len(found) == 0 || found[0].ID != b {
			t.Fatalf("after another process accepted %d: similar %v, matches %+v", b, similar, found)
		}
		if found[0].State != domain.StateQueued {
			t.Fatalf("match state %q, want queued", found[0].State)
		}
		// A change the matcher's index does not see (the title of the
		// article a match comes from) still shows.
		twice(func() { read(a) })
		if _, err := raw.Exec(`UPDATE articles SET title = 'Island ferries' WHERE id = ?`, n.article); err != nil {
			t.Fatal(err)
		}
		if _, found := read(a); found[0].ArticleTitle != "Island ferries" {
			t.Errorf("match names its article %q after the title changed", found[0].ArticleTitle)
		}
		// Each caller gets its own page.
		d, found, err := n.db.ClaimDetailMatches(ctx, a, match.DefaultLimit)
		if err != nil || len(d.History) == 0 || len(found) == 0 {
			t.Fatalf("claim %d: %d events, %d matches, %v", a, len(d.History), len(found), err)
		}
		text, action, names := d.Claim.Text, d.History[0].Action, len(d.Names)
		d.Claim.Text, d.History[0].Action, d.Similar[0].Text, found[0].Claim = "changed", "changed", "changed", "changed"
		d.Names[-1] = "changed"
		again, foundAgain, err := n.db.ClaimDetailMatches(ctx, a, match.DefaultLimit)
		if err != nil {
			t.Fatal(err)
		}
		if again.Claim.Text != text || again.History[0].Action != action || again.Similar[0].Text == "changed" ||
			foundAgain[0].Claim == "changed" || len(again.Names) != names {
			t.Error("one caller's change to the claim page reached the next caller")
		}
		// A comment made elsewhere shows.
		twice(func() { read(a) })
		if _, err := other.AddComment(as(n.eddie), a, "Check the ferry operator's own figures."); err != nil {
			t.Fatal(err)
		}
		if d, _, err := n.db.ClaimDetailMatches(ctx, a, match.DefaultLimit); err != nil || len(d.Comments) != 1 {
			t.Errorf("claim %d shows %d comments after one was added elsewhere (%v)", a, len(d.Comments), err)
		}
		twice(func() { read(a) })
		reworded := "Bus journeys in the capital fell by a fifth"
		if _, err := raw.Exec(`UPDATE claims SET text = ? WHERE id = ?`, reworded, b); err != nil {
			t.Fatal(err)
		}
		if similar, _ := read(a); slices.Contains(similar, b) {
			t.Errorf("claim %d reworded elsewhere is still similar to %d", b, a)
		}
	})

	t.Run("queue", func(t *testing.T) {
		first := func() []*domain.QueueItem {
			t.Helper()
			items, _, err := n.db.ListQueue(ctx, domain.QueueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		top := n.queued(t, 0.99, domain.PriorityUrgent)
		twice(func() { first() })
		if items := first(); len(items) == 0 || items[0].ID != top {
			t.Fatalf("queue does not start with %d", top)
		}
		if _, err := other.TakeNext(as(n.rita)); err != nil {
			t.Fatal(err)
		}
		for _, it := range first() {
			if it.ID == top {
				t.Fatalf("claim %d taken by another process is still in the queue", top)
			}
		}
		items := first()
		items[0].Claim.Text = "changed by a caller"
		items[0].Reasons = append(items[0].Reasons[:0], "changed")
		if again := first(); again[0].Text == "changed by a caller" || slices.Contains(again[0].Reasons, "changed") {
			t.Error("one caller's change to a queue item reached the next caller")
		}
	})

	t.Run("appearances", func(t *testing.T) {
		id := n.queued(t, 0.5, domain.PriorityNormal)
		later := n.queued(t, 0.5, domain.PriorityNormal)
		seen := func() []*domain.Appearance {
			t.Helper()
			list, err := n.db.ClaimAppearances(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		twice(func() { seen() })
		if _, err := raw.Exec(`INSERT INTO claim_appearances (claim_id, article_id, source_claim_id, text, seen_at, created_at)
			VALUES (?, ?, ?, 'The same claim, later', '2026-02-01T00:00:00.000000Z', '2026-02-01T00:00:00.000000Z')`, id, n.article, later); err != nil {
			t.Fatal(err)
		}
		list := seen()
		if len(list) != 1 || list[0].Sentence != "The same claim, later" {
			t.Fatalf("appearances %+v after one was written around storage", list)
		}
		onArticle := func() map[int64]*domain.Appearance {
			t.Helper()
			m, err := n.db.CandidateAppearances(ctx, n.article)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		twice(func() { seen(); onArticle() })
		if _, err := raw.Exec(`UPDATE claim_appearances SET claimant = 'Claimant set around storage' WHERE claim_id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if a := onArticle()[later]; a == nil || a.Claimant != "Claimant set around storage" {
			t.Errorf("the article's appearance %+v after a change around storage", a)
		}
		onArticle()[later].Claimant = "changed by a caller"
		if onArticle()[later].Claimant == "changed by a caller" {
			t.Error("one caller's change to an article's appearance reached the next caller")
		}
		twice(func() { seen(); onArticle() })
		if _, err := raw.Exec(`UPDATE claim_appearances SET removed_at = '2026-02-02T00:00:00.000000Z' WHERE claim_id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if list := seen(); len(list) != 0 {
			t.Errorf("an appearance undone around storage is still listed")
		}
		if a := onArticle()[later]; a != nil {
			t.Errorf("an appearance undone around storage is still on its article")
		}
		if _, err := raw.Exec(`UPDATE claim_appearances SET removed_at = NULL WHERE claim_id = ?`, id); err != nil {
			t.Fatal(err)
		}
		seen()[0].Sentence = "changed by a caller"
		if seen()[0].Sentence == "changed by a caller" {
			t.Error("one caller's change to an appearance reached the next caller")
		}
	})

	t.Run("article and its claims", func(t *testing.T) {
		article := func() *domain.Article {
			t.Helper()
			a, err := n.db.ArticleByID(ctx, n.article)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		claims := func() []*domain.Claim {
			t.Helper()
			list, err := n.db.ArticleClaims(ctx, n.article)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		twice(func() { article(); claims() })
		if _, err := raw.Exec(`UPDATE articles SET title = 'Retitled around storage' WHERE id = ?`, n.article); err != nil {
			t.Fatal(err)
		}
		if a := article(); a.Title != "Retitled around storage" {
			t.Errorf("article title %q after a change around storage", a.Title)
		}
		twice(func() { claims() })
		id := storage.InsertCandidateForTest(t, other, n.article, "Ferries ran 12% later in May than in April", 0, 0.5, domain.TypeQuantity)
		if !slices.ContainsFunc(claims(), func(c *domain.Claim) bool { return c.ID == id }) {
			t.Errorf("claim %d added by another process is not among the article's claims", id)
		}
		twice(func() { claims() })
		if _, err := raw.Exec(`UPDATE claims SET text = 'Reworded around storage' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(claims(), func(c *domain.Claim) bool { return c.Text == "Reworded around storage" }) {
			t.Error("a claim reworded around storage still shows its old words on the article")
		}
		a := article()
		a.Title = "changed by a caller"
		list := claims()
		list[0].Text = "changed by a caller"
		list[0].Reasons = append(list[0].Reasons[:0], "changed")
		if article().Title == "changed by a caller" || claims()[0].Text == "changed by a caller" || slices.Contains(claims()[0].Reasons, "changed") {
			t.Error("one caller's change to an article or its claims reached the next caller")
		}
	})

	t.Run("review and waiting", func(t *testing.T) {
		review := func() []int64 {
			t.Helper()
			items, _, err := n.db.ListReview(as(n.emma), "", 50)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		waiting := func() []int64 {
			t.Helper()
			h, err := n.db.HomeFor(as(n.emma))
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range h.Waiting {
				ids = append(ids, it.ID)
			}
			return ids
		}
		id := n.queued(t, 0.5, domain.PriorityNormal)
		version := n.inReviewWithVerdict(t, id)
		twice(func() { review(); waiting() })
		if _, err := other.SubmitVerdict(as(n.rita), id, nil, version); err != nil {
			t.Fatal(err)
		}
		if got := review(); !slices.Contains(got, id) {
			t.Errorf("review list %v lacks %d, submitted by another process", got, id)
		}
		if got := waiting(); !slices.Contains(got, id) {
			t.Errorf("waiting list %v lacks %d, submitted by another process", got, id)
		}
		// Someone who worked on the claim may not approve it: the lists are
		// each person's own.
		items, _, err := n.db.ListReview(as(n.rita), "", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.ID == id && it.May.Decide {
				t.Errorf("the reviewer of %d may decide on it in their review list", id)
			}
		}
		twice(func() { review(); waiting() })
		if _, err := raw.Exec(`UPDATE claims SET state = 'in_review' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		if got := review(); slices.Contains(got, id) {
			t.Errorf("review list %v still has %d, sent back around storage", got, id)
		}
		if got := waiting(); slices.Contains(got, id) {
			t.Errorf("waiting list %v still has %d, sent back around storage", got, id)
		}
	})

	t.Run("ratings", func(t *testing.T) {
		names := func() []string {
			t.Helper()
			rs, err := n.db.ListRatings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rs {
				out = append(out, r.Name)
			}
			return out
		}
		twice(func() { names() })
		if _, err := raw.Exec(`UPDATE ratings SET name = 'Wholly false' WHERE name = 'False'`); err != nil {
			t.Fatal(err)
		}
		if got := names(); !slices.Contains(got, "Wholly false") {
			t.Errorf("ratings %v after a rename written around storage", got)
		}
		rs, _ := n.db.ListRatings(ctx)
		rs[0].Name = "changed by a caller"
		if slices.Contains(names(), "changed by a caller") {
			t.Error("one caller's change to a rating reached the next caller")
		}
	})

	t.Run("article matches", func(t *testing.T) {
		// An approved claim elsewhere is what an article's candidate matches.
		article := storage.InsertArticleForTest(t, n.db, "Harbour news", "The Harbour Gazette", "Harbour dues rose by 40% this spring, the council said.")
		candidate := storage.InsertCandidateForTest(t, n.db, article, "Harbour dues rose by 40% this spring", 0, 0.9, domain.TypeQuantity)
		matched := func() bool {
			t.Helper()
			m, err := n.db.ArticleMatches(ctx, article)
			if err != nil {
				t.Fatal(err)
			}
			_, ok := m[candidate]
			return ok
		}
		twice(func() { matched() })
		if matched() {
			t.Fatal("matched before any check exists")
		}
		check := domain.ImportedCheck{URL: "https://checks.example/harbour", Claim: "Harbour dues rose by 40% this spring.",
			Publisher: "Example Checks", Rating: "True"}
		if _, err := other.ImportChecks(ctx, []domain.ImportedCheck{check}); err != nil {
			t.Fatal(err)
		}
		if !matched() {
			t.Error("a check imported by another process is not matched")
		}
	})

	t.Run("search", func(t *testing.T) {
		// The other process imports and runs its indexing pass, as its
		// server does within half a second (search_indexer.go).
		importAndIndex := func(checks []domain.ImportedCheck) (domain.ImportSummary, error) {
			n, err := other.ImportChecks(ctx, checks)
			if err == nil {
				err = other.IndexSearchPending(ctx)
			}
			return n, err
		}
		search := func(q string, f domain.SearchFilter, limit int) []string {
			t.Helper()
			hits, err := n.db.SearchEverything(ctx, match.ParseQuery(q), f, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range hits {
				out = append(out, string(h.Kind)+" "+h.Text)
			}
			return out
		}
		imported := domain.SearchFilter{Kind: domain.SearchImported}
		twice(func() { search("lighthouse keepers", imported, 20) })
		if got := search("lighthouse keepers", imported, 20); len(got) != 0 {
			t.Fatalf("found %v before any check exists", got)
		}
		check := domain.ImportedCheck{URL: "https://checks.example/lighthouse", Claim: "Lighthouse keepers earn twice the national wage.",
			Publisher: "Example Checks", Rating: "False"}
		if _, err := importAndIndex([]domain.ImportedCheck{check}); err != nil {
			t.Fatal(err)
		}
		want := []string{"imported Lighthouse keepers earn twice the national wage."}
		if got := search("lighthouse keepers", imported, 20); !slices.Equal(got, want) {
			t.Errorf("after a check imported by another process: %v, want %v", got, want)
		}
		// Another search, another filter or another limit is not served
		// the first one's results.
		twice(func() { search("lighthouse keepers", imported, 20) })
		if got := search("lighthouse keepers", domain.SearchFilter{Kind: domain.SearchClaim}, 20); len(got) != 0 {
			t.Errorf("claims found %v", got)
		}
		if got := search("lighthouse keepers", imported, 0); len(got) != 0 {
			t.Errorf("limit 0 found %v", got)
		}
		if got := search("lighthouse pilots", imported, 20); len(got) != 0 {
			t.Errorf("another search found %v", got)
		}
		// A change that does not touch the index still empties what is
		// kept, and the next search reads afresh and finds the same.
		if _, err := raw.Exec(`UPDATE imported_checks SET rating = 'Wrong' WHERE url = ?`, check.URL); err != nil {
			t.Fatal(err)
		}
		if got := search("lighthouse keepers", imported, 20); !slices.Equal(got, want) {
			t.Errorf("after an unrelated change: %v, want %v", got, want)
		}
		// Taken out of the index by another process: gone at once.
		if _, err := raw.Exec(`DELETE FROM search_postings WHERE doc IN (SELECT doc FROM search_docs WHERE text = ?)`, check.Claim); err != nil {
			t.Fatal(err)
		}
		if got := search("lighthouse keepers", imported, 20); len(got) != 0 {
			t.Errorf("found %v after its postings were removed", got)
		}
		if _, err := importAndIndex([]domain.ImportedCheck{{URL: "https://checks.example/lighthouse-2",
			Claim: "Lighthouse keepers were all replaced by machines.", Publisher: "Example Checks", Rating: "True"}}); err != nil {
			t.Fatal(err)
		}
		// Each caller gets its own results.
		search("lighthouse keepers", imported, 20)
		hits, err := n.db.SearchEverything(ctx, match.ParseQuery("lighthouse keepers"), imported, 20)
		if err != nil || len(hits) != 1 || len(hits[0].Snippet) == 0 {
			t.Fatalf("%v %v", hits, err)
		}
		hits[0].Text, hits[0].Snippet[0].Text = "changed by a caller", "changed by a caller"
		again, _ := n.db.SearchEverything(ctx, match.ParseQuery("lighthouse keepers"), imported, 20)
		if again[0].Text == "changed by a caller" || again[0].Snippet[0].Text == "changed by a caller" {
			t.Error("one caller's change to a result reached the next caller")
		}
		// Asked by many at once just after a change: every one sees it.
		if _, err := importAndIndex([]domain.ImportedCheck{{URL: "https://checks.example/lighthouse-3",
			Claim: "Lighthouse keepers' cottages are now holiday lets.", Publisher: "Example Checks", Rating: "True"}}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		found := make([]int, 16)
		for i := range found {
			wg.Add(1)
			go func() {
				defer wg.Done()
				hits, err := n.db.SearchEverything(ctx, match.ParseQuery("lighthouse keepers"), imported, 20)
				if err == nil {
					found[i] = len(hits)
					hits[0].Text = "changed by a caller"
				}
			}()
		}
		wg.Wait()
		for i, k := range found {
			if k != 2 {
				t.Errorf("asker %d found %d after the third check, want 2", i, k)
			}
		}
	})
}

// A page's reads share one generation; a change made with the same context
// unpins it, so the reads after the change see it.
func TestPinnedReadsSeeTheirOwnChanges(t *testing.T) {
	n := newNewsroom(t)
	n.queued(t, 0.1, domain.PriorityLow)
	id := n.queued(t, 0.99, domain.PriorityUrgent)
	var ctx context.Context
	first := func() int64 {
		t.Helper()
		items, _, err := n.db.ListQueue(ctx, domain.QueueFilter{})
		if err != nil || len(items) == 0 {
			t.Fatalf("queue: %d items, %v", len(items), err)
		}
		return items[0].ID
	}
	ctx = n.db.PinGeneration(as(n.eddie))
	if got := first(); got != id {
		t.Fatalf("queue starts with %d, want %d", got, id)
	}
	first()
	if _, err := n.db.AssignClaim(ctx, id, n.rita.ID, 0); err != nil {
		t.Fatal(err)
	}
	if got := first(); got == id {
		t.Errorf("claim %d assigned with this context is still first in the queue", id)
	}
	// A pinned context still reads what changed before it was pinned.
	other := n.queued(t, 1, domain.PriorityUrgent)
	ctx = n.db.PinGeneration(as(n.eddie))
	if got := first(); got != other {
		t.Errorf("queue starts with %d, want %d", got, other)
	}
}
