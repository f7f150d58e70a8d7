package storage

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"claimtrail/domain"
)

// BenchSeed describes a benchmark database for SeedBench.
type BenchSeed struct {
	Claims   int // claims in every state, candidates included
	Articles int // 0: one article per five claims
	// PasswordHash is given to every seeded account, so load scripts can
	// sign in as any of them.
	PasswordHash string
	// Now ends the seeded history (two years of it); zero is time.Now.
	Now      time.Time
	Progress io.Writer // phase timings; nil for none
}

// BenchSeedCounts says what SeedBench wrote.
type BenchSeedCounts struct {
	Users, Articles, Claims, Verdicts, Sources, Comments, AuditEvents int
	States                                                            map[domain.ClaimState]int
}

// The seeded accounts: sign in as any of them with the seed's password.
const (
	BenchAdminEmail = "admin@bench.example"
	BenchEditors    = 8
	BenchReviewers  = 60
)

// BenchEditorEmail and BenchReviewerEmail name the seeded accounts (1-based).
func BenchEditorEmail(i int) string   { return fmt.Sprintf("editor%02d@bench.example", i) }
func BenchReviewerEmail(i int) string { return fmt.Sprintf("reviewer%02d@bench.example", i) }

// benchTables are the tables SeedBench fills in bulk; their indexes and
// triggers are dropped while it does and made again from the schema's own
// text afterwards.
var benchTables = []string{"articles", "claims", "claim_workers", "verdicts", "sources", "comments", "audit_events"}

// SeedBench creates a database at path (which must not exist) that looks
// like a newsroom's after two years: articles of real length over a broad
// vocabulary, claims in every state with the mix a desk has, verdicts with
// sources, comments, and the audit history of every step, hash-chained so
// that `audit verify` passes. The schema is the application's, migrated
// through Open; rows go in with the indexes and triggers set aside and the
// journal off, which is why a million claims take minutes, not hours. The
// search and matcher indexes are built from the rows as they are made (their
// text analysed on the other cores meanwhile), never read back, exactly as
// claimtrail reindex would write them. A half-written file is removed.
func SeedBench(ctx context.Context, path string, o BenchSeed) (counts *BenchSeedCounts, err error) {
	if o.Claims <= 0 {
		return nil, errors.New("seed: claims must be more than 0")
	}
	if o.Articles <= 0 {
		o.Articles = max(1, o.Claims/5)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("seed: %s already exists", path)
	}
	// The database is made under another name beside path and renamed into
	// place only when complete, so the journal can be off while it is
	// written: a seed that stops halfway, however it stops, leaves nothing
	// at path.
	final := path
	path += ".seeding"
	clear := func() {
		for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
			os.Remove(p)
		}
	}
	clear() // left by a seed that was killed
	defer func() {
		if err != nil {
			clear()
		}
	}()
	start := time.Now()
	db, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	sys := domain.WithActor(ctx, domain.SystemActor)
	users := []*domain.User{{Email: BenchAdminEmail, Name: "Ada Admin", Role: domain.RoleAdmin}}
	for i := 1; i <= BenchEditors; i++ {
		users = append(users, &domain.User{Email: BenchEditorEmail(i), Name: "Editor " + surnames[i%len(surnames)], Role: domain.RoleEditor})
	}
	for i := 1; i <= BenchReviewers; i++ {
		users = append(users, &domain.User{Email: BenchReviewerEmail(i), Name: "Reviewer " + surnames[i%len(surnames)] + " " + strconv.Itoa(i), Role: domain.RoleReviewer})
	}
	for _, u := range users {
		if err := db.CreateUser(sys, u, o.PasswordHash); err != nil {
			db.Close()
			return nil, fmt.Errorf("seed user %s: %w", u.Email, err)
		}
	}
	if err := db.SetSettings(sys, map[string]string{
		SettingPublisherName: "Bench Desk Fact Check",
		SettingPublisherURL:  "https://factcheck.bench.example",
	}); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(0)&_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"+
		"&_pragma=cache_size(-256000)&_pragma=temp_store(MEMORY)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	conn, err := raw.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	s := &benchSeeder{o: o, r: rand.New(rand.NewPCG(1000003, uint64(o.Claims))), vocab: newVocabulary(benchVocabularySize),
		counts: &BenchSeedCounts{Users: len(users), States: map[domain.ClaimState]int{}}}
	for _, u := range users {
		switch u.Role {
		case domain.RoleEditor:
			s.editors = append(s.editors, u)
		case domain.RoleReviewer:
			s.reviewers = append(s.reviewers, u)
		}
	}
	if err := s.run(ctx, conn); err != nil {
		return nil, err
	}
	conn.Close()
	raw.Close()
	// What triggers would have kept (the dashboard's counters) is recounted
	// through the application, with a page cache that holds what the
	// rebuilds scan and nothing synced before the end (a seed that stops
	// halfway is thrown away).
	t1 := time.Now()
	// The index builds' memory goes back to the system first: the recount's
	// page cache would otherwise come on top of it.
	debug.FreeOSMemory()
	if db, err = OpenWith(ctx, path, Options{Durability: DurableNormal, CacheMB: 400}); err != nil {
		return nil, err
	}
	if err := db.RebuildDesk(sys); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed: recount the dashboard: %w", err)
	}
	s.phase("dashboard counters", t1)
	// Claims already past their due date were told about, as a server
	// running through the seeded history would have done once a minute:
	// left to the server, its notifier would write them all in its first
	// minute, each write starting every kept read (generation.go) afresh
	// under whatever load is being measured.
	t2 := time.Now()
	if _, err := db.NotifyOverdue(sys, o.Now); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed: overdue notices: %w", err)
	}
	s.phase("overdue notices", t2)
	if err := db.Close(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, errors.New("seed: the write-ahead log outlived the database's close")
	}
	if err := os.Rename(path, final); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Progress, "seed: done in %s, cpu %s\n", time.Since(start).Round(time.Millisecond), processCPU().Round(time.Millisecond))
	return s.counts, nil
}

type benchSeeder struct {
	o                  BenchSeed
	r                  *rand.Rand
	vocab              *vocabulary
	editors, reviewers []*domain.User
	ratings            []benchRating
	counts             *BenchSeedCounts

	claims, verdicts, sources, comments, workers, events *bulkInsert
	articles, searchDocs                                 *bulkInsert

	// The search and matcher indexes, built from the rows as they are
	// made: their text is analysed on the other cores meanwhile.
	analysis *inParallel[*searchEntry, searchAnalysed]
	search   *searchBuild
	match    *matchBuild

	nextClaim, nextSource, nextComment int64
	// The audit chain: the head so far and events waiting for their time.
	lastID   int64
	lastHash string
	pending  eventQueue
	seq      int64
	cpu      time.Duration // at the last phase reported
}

type benchRating struct {
	id   int64
	name string
}

// phase reports a step's wall time and the process's CPU time (user and
// system, every core) since the last report: on a shared machine the CPU
// time is the steadier figure.
func (s *benchSeeder) phase(name string, t0 time.Time) {
	cpu := processCPU()
	fmt.Fprintf(s.o.Progress, "seed: %-50s %10s  cpu %s\n", name, time.Since(t0).Round(time.Millisecond), (cpu - s.cpu).Round(time.Millisecond))
	s.cpu = cpu
}

// processCPU is the CPU time this process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (s *benchSeeder) run(ctx context.Context, conn *sql.Conn) error {
	t0 := time.Now()
	s.cpu = processCPU()
	// Set aside the indexes and triggers of the bulk tables.
	list := `SELECT name, type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
		AND tbl_name IN ('` + strings.Join(benchTables, "', '") + `') ORDER BY rowid`
	type schemaObject struct{ name, typ, sql string }
	var objects []schemaObject
	rows, err := conn.QueryContext(ctx, list)
	if err != nil {
		return err
	}
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.name, &o.typ, &o.sql); err != nil {
			rows.Close()
			return err
		}
		objects = append(objects, o)
	}
	rows.Close()
	for _, o := range objects {
		if _, err := conn.ExecContext(ctx, `DROP `+strings.ToUpper(o.typ)+` "`+o.name+`"`); err != nil {
			return fmt.Errorf("set aside %s: %w", o.name, err)
		}
	}
	if err := conn.QueryRowContext(ctx, `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&s.lastID, &s.lastHash); err != nil {
		return fmt.Errorf("read audit chain head: %w", err)
	}
	rrows, err := conn.QueryContext(ctx, `SELECT id, name FROM ratings ORDER BY position`)
	if err != nil {
		return err
	}
	for rrows.Next() {
		var r benchRating
		if err := rrows.Scan(&r.id, &r.name); err != nil {
			rrows.Close()
			return err
		}
		s.ratings = append(s.ratings, r)
	}
	rrows.Close()
	if len(s.ratings) == 0 {
		return errors.New("seed: no rating scale")
	}
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return err
	}
	w := startSeedWriter(ctx, conn)
	defer w.wait()
	s.articles = newBulkInsert(w, "articles", "id, title, outlet, author, url, url_key, published_at, body, fingerprint, origin, added_by, created_at, updated_at")
	s.claims = newBulkInsert(w, "claims", "id, article_id, sentence, start_offset, end_offset, text, score, checkworthy, type, figures, claimant, reasons, manual, state, priority, assignee_id, due_at, dismiss_reason, dismiss_code, queued_at, version, created_at, updated_at")
	s.workers = newBulkInsert(w, "claim_workers", "claim_id, user_id")
	s.verdicts = newBulkInsert(w, "verdicts", "claim_id, rating_id, conclusion, explanation, author_id, version, submitted_at, submitted_by, approved_at, approved_by, created_at, updated_at")
	s.sources = newBulkInsert(w, "sources", "id, claim_id, position, url, title, publisher, published_at, accessed_at, type, quote, created_at, updated_at")
	s.comments = newBulkInsert(w, "comments", "id, claim_id, author_id, kind, body, created_at")
	s.events = newBulkInsert(w, "audit_events", "id, at, actor_id, actor_label, token_name, action, entity, entity_id, before_json, after_json, request_id, client_addr, prev_hash, hash")
	s.searchDocs = newBulkInsert(w, "search_docs", searchDocColumns)
	s.search = newSearchBuild()
	s.match = newMatchBuild()
	s.analysis = startInParallel(analyseSearchEntry, s.indexed)
	defer s.analysis.finish()
	s.nextClaim, s.nextSource, s.nextComment = 1, 1, 1

	perArticle := s.claimsPerArticle()
	span := 730 * 24 * time.Hour
	begin := s.o.Now.Add(-span)
	for i := range s.o.Articles {
		at := begin.Add(time.Duration(float64(span) * 0.98 * float64(i) / float64(s.o.Articles)))
		if err := s.article(int64(i+1), at, perArticle[i]); err != nil {
			return err
		}
	}
	for s.pending.Len() > 0 {
		if err := s.emit(heap.Pop(&s.pending).(*pendingEvent).ev); err != nil {
			return err
		}
	}
	if err := s.analysis.finish(); err != nil {
		return err
	}
	for _, b := range []*bulkInsert{s.articles, s.claims, s.workers, s.verdicts, s.sources, s.comments, s.events, s.searchDocs} {
		if err := b.flush(); err != nil {
			return err
		}
	}
	if err := w.wait(); err != nil {
		return err
	}
	// The seeded history is the past: nobody is notified of it, so the
	// server's notifier does not spend its first minutes (and the writer)
	// reading millions of old events.
	if _, err := conn.ExecContext(ctx, `UPDATE notifier_state SET last_audit_id = (SELECT coalesce(max(id), 0) FROM audit_events)`); err != nil {
		return fmt.Errorf("notifier: %w", err)
	}
	s.phase(fmt.Sprintf("rows (%d claims, %d events, %d search documents)", s.counts.Claims, s.counts.AuditEvents, s.search.docs), t0)

	// The indexes the application keeps in Go, as claimtrail reindex
	// writes them: postings in key order, each term's count from memory.
	t1 := time.Now()
	if err := s.search.postings.write(ctx, conn, "search_postings", "search_terms", ""); err != nil {
		return fmt.Errorf("seed search index: %w", err)
	}
	s.phase(fmt.Sprintf("search index (%d postings)", s.search.postings.n), t1)
	s.search = nil
	t1 = time.Now()
	if err := s.match.write(ctx, conn, nil); err != nil {
		return fmt.Errorf("seed matcher index: %w", err)
	}
	s.phase(fmt.Sprintf("matcher index (%d documents)", len(s.match.docs)), t1)
	s.match = nil

	t1 = time.Now()
	for _, o := range objects {
		if _, err := conn.ExecContext(ctx, o.sql); err != nil {
			return fmt.Errorf("remake %s: %w", o.name, err)
		}
	}
	s.phase("indexes and triggers", t1)
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return err
	}
	t1 = time.Now()
	for _, q := range []string{`PRAGMA analysis_limit = 2000`, `ANALYZE`, `PRAGMA journal_mode = WAL`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	s.phase("analyze", t1)
	return nil
}

// claimsPerArticle spreads the claims over the articles, one to about
// twice the average each, adding up to exactly the number asked for.
func (s *benchSeeder) claimsPerArticle() []int {
	n, a := s.o.Claims, s.o.Articles
	counts := make([]int, a)
	avg := float64(n) / float64(a)
	total := 0
	for i := range counts {
		counts[i] = max(1, int(avg*(0.4+1.2*s.r.Float64())+0.5))
		total += counts[i]
	}
	floor := 1
	if n < a {
		floor = 0
	}
	for total > n {
		if i := s.r.IntN(a); counts[i] > floor {
			counts[i]--
			total--
		}
	}
	for total < n {
		counts[s.r.IntN(a)]++
		total++
	}
	return counts
}

var (
	benchOutlets = []string{"The Daily Ledger", "Morning Post", "City Wire", "North Star", "The Evening Record", "Capital Courier",
		"Harbour Gazette", "The Weekly Review", "Valley Herald", "Metro Dispatch", "The Observer Line", "Coastal Times",
		"Northern Echo Press", "The Chronicle", "Midland Bulletin", "The Standard Sheet", "Riverside News", "Union Journal",
		"The Civic Voice", "Border Telegraph", "Highland Mail", "Southern Advertiser", "The Sentinel", "East End Press",
		"Westgate Tribune", "The Examiner", "Pennine Post", "The Informer", "Lakeside Leader", "Market Town Mercury"}
	claimTypes     = []domain.ClaimType{domain.TypeQuantity, domain.TypeQuantity, domain.TypeQuantity, domain.TypePrediction, domain.TypeCausation, domain.TypeRulesLaws, domain.TypeQuote, domain.TypeOther, domain.TypePersonalExperience}
	dismissReasons = []string{"Opinion, not a checkable claim", "Already checked last month", "Too minor to check", "A prediction nobody can check yet", "Not a claim"}
	dismissCodes   = []domain.DismissalReason{domain.DismissNotCheckable, domain.DismissDuplicate, domain.DismissOutOfScope, domain.DismissNotCheckable, domain.DismissNotCheckWorthy}
	sourceTypes    = []string{"official_statistics", "official_statistics", "primary_document", "expert", "news_report", "other"}
	benchReasons   = []string{`["has a figure","names who said it"]`, `["has a figure"]`, `["compares with the past"]`, `[]`, `["names who said it","makes a prediction"]`}
)

// pickState draws a claim's state with a desk's mix: most extracted
// sentences are never accepted; of those accepted, most are checked.
func (s *benchSeeder) pickState() domain.ClaimState {
	switch p := s.r.IntN(100); {
	case p < 30:
		return domain.StateCandidate
	case p < 50:
		return domain.StateDismissed
	case p < 72:
		return domain.StateQueued
	case p < 78:
		return domain.StateInReview
	case p < 82:
		return domain.StateSubmitted
	default:
		return domain.StateApproved
	}
}

func (s *benchSeeder) article(id int64, at time.Time, nClaims int) error {
	r := s.r
	// Emit every event that happened before this article arrived.
	for s.pending.Len() > 0 && !s.pending[0].ev.At.After(at) {
		if err := s.emit(heap.Pop(&s.pending).(*pendingEvent).ev); err != nil {
			return err
		}
	}
	outlet := benchOutlets[min(len(benchOutlets)-1, int(float64(len(benchOutlets))*r.Float64()*r.Float64()))]
	author := capitalise(s.vocab.words[300+r.IntN(400)]) + " " + surnames[r.IntN(len(surnames))]
	title := s.vocab.title(r)
	slug := strings.ToLower(strings.ReplaceAll(strings.Join(strings.Fields(title)[:min(5, len(strings.Fields(title)))], "-"), ",", ""))
	host := strings.ToLower(strings.ReplaceAll(outlet, " ", "")) + ".example"
	url := "https://" + host + "/news/" + strconv.FormatInt(id, 10) + "-" + slug
	adder := s.reviewers[r.IntN(len(s.reviewers))]
	published := at.Add(-time.Duration(r.IntN(48*60)) * time.Minute)

	// The body: paragraphs of two to four sentences, claims among them.
	type claimAt struct {
		start, end int
		sentence   string
		figures    []domain.Figure
		claimant   string
		worthy     bool
	}
	plain := 6 + r.IntN(10)
	total := plain + nClaims
	isClaim := make([]bool, total)
	for _, p := range r.Perm(total)[:nClaims] {
		isClaim[p] = true
	}
	var body strings.Builder
	var found []claimAt
	inPara := 0
	for i := range total {
		if body.Len() > 0 {
			if inPara >= 2+r.IntN(3) {
				body.WriteString("\n\n")
				inPara = 0
			} else {
				body.WriteByte(' ')
			}
		}
		inPara++
		if isClaim[i] {
			c := claimAt{start: body.Len(), worthy: r.IntN(10) < 7}
			if c.worthy {
				c.sentence, c.figures, c.claimant = s.vocab.claimSentence(r)
			} else {
				c.sentence = s.vocab.sentence(r)
			}
			body.WriteString(c.sentence)
			c.end = body.Len()
			found = append(found, c)
		} else {
			body.WriteString(s.vocab.sentence(r))
		}
	}
	text := body.String()
	sum := sha256.Sum256([]byte(text))
	ts := formatTime(at)
	if err := s.articles.add(id, title, outlet, author, url, host+"/news/"+strconv.FormatInt(id, 10)+"-"+slug,
		formatTime(published), text, hex.EncodeToString(sum[:]), "url", adder.ID, ts, ts); err != nil {
		return err
	}
	s.counts.Articles++
	art := seedArticle{id: id, title: title, outlet: outlet, day: formatTime(published)[:10]}
	if err := s.analysis.put(articleSearchEntry(id, searchArticleRow{title: title, body: text, outlet: outlet, author: author,
		url: url, day: art.day})); err != nil {
		return err
	}
	n := len(found)
	pubDay := published.UTC().Format("2006-01-02")
	if err := s.emit(domain.AuditEvent{At: at, ActorID: adder.ID, ActorLabel: adder.Email, Action: "article.created", Entity: "article", EntityID: id,
		After: mustJSON(articleState{Title: title, Outlet: outlet, Author: author, URL: url, PublishedAt: pubDay, Origin: "url",
			Fingerprint: hex.EncodeToString(sum[:]), Candidates: &n})}); err != nil {
		return err
	}
	for _, c := range found {
		state := s.pickState()
		if !c.worthy && state != domain.StateCandidate {
			state = domain.StateDismissed
		}
		if err := s.claim(&art, at, adder, c.start, c.end, c.sentence, c.figures, c.claimant, c.worthy, state); err != nil {
			return err
		}
	}
	return nil
}

// claim writes one claim at its final state, with what each step left
// behind, and queues the audit events of its steps at their times.
func (s *benchSeeder) claim(art *seedArticle, at time.Time, adder *domain.User, start, end int, sentence string,
	figs []domain.Figure, claimant string, worthy bool, state domain.ClaimState) error {
	r := s.r
	articleID := art.id
	id := s.nextClaim
	s.nextClaim++
	s.counts.Claims++
	s.counts.States[state]++
	score := 0.05 + 0.45*r.Float64()
	typ := domain.TypeOther
	if worthy {
		score = 0.3 + 0.69*r.Float64()
		typ = claimTypes[r.IntN(len(claimTypes))]
	}
	figures := "[]"
	if len(figs) > 0 {
		figures = string(mustJSON(figs))
	}
	c := &domain.Claim{ID: id, Text: sentence, State: domain.StateCandidate, Priority: domain.PriorityNormal, Version: 1}
	if err := s.emit(domain.AuditEvent{At: at, ActorID: adder.ID, ActorLabel: adder.Email, Action: "claim.created", Entity: "claim", EntityID: id,
		After: mustJSON(newClaimState{ArticleID: articleID, Start: start, End: end, Text: sentence, Score: score, CheckWorthy: score >= 0.275,
			Type: typ, State: domain.StateCandidate, Version: 1})}); err != nil {
		return err
	}
	// step moves the claim on and queues its audit event.
	t := at
	step := func(to domain.ClaimState, action string, after time.Duration, actor *domain.User, mutate func()) {
		t = t.Add(time.Duration(1+r.Int64N(int64(after/time.Second))) * time.Second)
		before := stateOfClaim(c)
		c.State = to
		if mutate != nil {
			mutate()
		}
		c.Version++
		s.later(domain.AuditEvent{At: t, ActorID: actor.ID, ActorLabel: actor.Email, Action: "claim." + action, Entity: "claim", EntityID: id,
			Before: mustJSON(before), After: mustJSON(stateOfClaim(c))})
	}
	reviewer := s.reviewers[r.IntN(len(s.reviewers))]
	editor := s.editors[r.IntN(len(s.editors))]
	var queuedAt, takenAt time.Time
	if state == domain.StateDismissed {
		step(domain.StateDismissed, "dismissed", 8*time.Hour, adder, func() {
			k := r.IntN(len(dismissReasons))
			c.DismissReason, c.DismissCode = dismissReasons[k], dismissCodes[k]
		})
	}
	accepted := state != domain.StateCandidate && state != domain.StateDismissed
	if accepted {
		if r.IntN(8) == 0 {
			c.Text = capitalise(strings.TrimPrefix(sentence[strings.IndexByte(sentence, ' ')+1:], ","))
		}
		step(domain.StateQueued, "accepted", 6*time.Hour, adder, func() {
			switch p := r.IntN(20); {
			case p == 0:
				c.Priority = domain.PriorityUrgent
			case p < 4:
				c.Priority = domain.PriorityHigh
			case p < 6:
				c.Priority = domain.PriorityLow
			}
			if r.IntN(10) == 0 {
				c.DueAt = t.Add(time.Duration(2+r.IntN(12)) * 24 * time.Hour).Truncate(24 * time.Hour)
			}
		})
		queuedAt = t
	}
	if state == domain.StateInReview || state == domain.StateSubmitted || state == domain.StateApproved {
		step(domain.StateInReview, "taken", 3*24*time.Hour, reviewer, func() { c.AssigneeID = reviewer.ID })
		takenAt = t
		if err := s.workers.add(id, reviewer.ID); err != nil {
			return err
		}
	}
	// What the claim's search documents carry of it.
	sc := searchClaimRow{claimant: claimant, state: string(state), claimType: string(typ), articleID: articleID, outlet: art.outlet, day: art.day}
	if state == domain.StateInReview || state == domain.StateSubmitted || state == domain.StateApproved {
		if err := s.verdict(c, reviewer, editor, state, &t, &sc); err != nil {
			return err
		}
	}
	if err := s.comment(c, reviewer, editor, takenAt, t); err != nil {
		return err
	}
	if e := claimSearchEntry(id, c.Text, art.title, sc); e != nil {
		if err := s.analysis.put(e); err != nil {
			return err
		}
	}
	return s.claims.add(id, articleID, sentence, start, end, c.Text, score, score >= 0.275, typ, figures, claimant,
		benchReasons[r.IntN(len(benchReasons))], false, c.State, int(c.Priority), nullInt(c.AssigneeID), nullTime(c.DueAt),
		c.DismissReason, string(c.DismissCode), nullTime(queuedAt), c.Version, formatTime(at), formatTime(t))
}

// verdict writes the verdict of a claim in review or beyond, with its
// sources, and the steps that took it to state.
func (s *benchSeeder) verdict(c *domain.Claim, reviewer, editor *domain.User, state domain.ClaimState, t *time.Time, sc *searchClaimRow) error {
	r := s.r
	draft := state == domain.StateInReview
	created := *t
	*t = t.Add(time.Duration(10+r.IntN(2*24*60)) * time.Minute)
	rating := s.ratings[min(len(s.ratings)-1, int(float64(len(s.ratings))*(1-r.Float64()*r.Float64())))]
	conclusion := s.vocab.sentence(r)
	explanation := s.vocab.paragraph(r, 3+r.IntN(4)) + "\n\n" + s.vocab.paragraph(r, 2+r.IntN(4))
	if draft && r.IntN(3) == 0 {
		rating, conclusion, explanation = benchRating{}, "", ""
	}
	nSources := 1 + r.IntN(4)
	if draft {
		nSources = r.IntN(3)
	}
	sc.rating = rating.name
	var sourceDocs []*searchEntry
	vs := verdictState{Rating: rating.name, Conclusion: conclusion, Explanation: explanation, Version: 1}
	s.later(domain.AuditEvent{At: *t, ActorID: reviewer.ID, ActorLabel: reviewer.Email, Action: "verdict.saved", Entity: "claim", EntityID: c.ID,
		After: mustJSON(vs)})
	for p := range nSources {
		host := []string{"stats.bench.example", "parliament.bench.example", "budget.bench.example", "research.bench.example"}[r.IntN(4)]
		sid := s.nextSource
		s.nextSource++
		s.counts.Sources++
		src := searchSourceRow{url: "https://" + host + "/" + s.vocab.word(r) + "/" + strconv.Itoa(r.IntN(100000)), title: s.vocab.title(r),
			publisher: benchOutlets[r.IntN(len(benchOutlets))]}
		published := formatTime(created.Add(-time.Duration(r.IntN(900)) * 24 * time.Hour))
		typ := sourceTypes[r.IntN(len(sourceTypes))]
		src.quote, src.day = s.vocab.sentence(r), published[:10]
		if err := s.sources.add(sid, c.ID, p, src.url, src.title, src.publisher, published, formatTime(*t),
			typ, src.quote, formatTime(*t), formatTime(*t)); err != nil {
			return err
		}
		sourceDocs = append(sourceDocs, sourceSearchEntry(sid, c.ID, c.Text, src, *sc))
	}
	var submittedAt, approvedAt time.Time
	var submittedBy, approvedBy int64
	if state == domain.StateSubmitted || state == domain.StateApproved {
		s.stepAt(c, t, 2*24*time.Hour, reviewer, domain.StateSubmitted, "submitted")
		submittedAt, submittedBy = *t, reviewer.ID
	}
	if state == domain.StateApproved {
		s.stepAt(c, t, 24*time.Hour, editor, domain.StateApproved, "approved")
		approvedAt, approvedBy = *t, editor.ID
	}
	var ratingID any
	if rating.id != 0 {
		ratingID = rating.id
	}
	s.counts.Verdicts++
	if err := s.verdicts.add(c.ID, ratingID, conclusion, explanation, reviewer.ID, 1, nullTime(submittedAt), nullInt(submittedBy),
		nullTime(approvedAt), nullInt(approvedBy), formatTime(created), formatTime(*t)); err != nil {
		return err
	}
	day := formatTime(*t)[:10]
	if !approvedAt.IsZero() {
		day = formatTime(approvedAt)[:10]
	}
	for _, e := range append(sourceDocs, verdictSearchEntry(c.ID, conclusion, explanation, c.Text, day, *sc)) {
		if e != nil {
			if err := s.analysis.put(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedArticle is what an article's claims carry of it into the search index.
type seedArticle struct {
	id                 int64
	title, outlet, day string
}

// indexed takes an analysed document into the indexes: its row of
// search_docs now, its postings for the end, and an accepted claim's
// analysis for the matcher too (the same Analyse of its text and claimant).
func (s *benchSeeder) indexed(a searchAnalysed) error {
	if err := s.search.add(a); err != nil {
		return err
	}
	if a.e.kindOf == string(domain.SearchClaim) {
		s.match.add(claimDoc(a.e.claimID), docData{Text: a.text})
	}
	return s.searchDocs.add(a.row()...)
}

func (s *benchSeeder) stepAt(c *domain.Claim, t *time.Time, within time.Duration, actor *domain.User, to domain.ClaimState, action string) {
	*t = t.Add(time.Duration(60+s.r.Int64N(int64(within/time.Second))) * time.Second)
	before := stateOfClaim(c)
	c.State = to
	c.Version++
	s.later(domain.AuditEvent{At: *t, ActorID: actor.ID, ActorLabel: actor.Email, Action: "claim." + action, Entity: "claim", EntityID: c.ID,
		Before: mustJSON(before), After: mustJSON(stateOfClaim(c))})
}

// comment adds a note to about one claim in ten that someone worked on.
func (s *benchSeeder) comment(c *domain.Claim, reviewer, editor *domain.User, from, to time.Time) error {
	if from.IsZero() || s.r.IntN(10) != 0 {
		return nil
	}
	for range 1 + s.r.IntN(3) {
		author := reviewer
		if s.r.IntN(2) == 0 {
			author = editor
		}
		at := from.Add(time.Duration(s.r.Int64N(int64(to.Sub(from)) + 1)))
		body := s.vocab.sentence(s.r)
		id := s.nextComment
		s.nextComment++
		s.counts.Comments++
		if err := s.comments.add(id, c.ID, author.ID, "comment", body, formatTime(at)); err != nil {
			return err
		}
		s.later(domain.AuditEvent{At: at, ActorID: author.ID, ActorLabel: author.Email, Action: "comment.added", Entity: "claim", EntityID: c.ID,
			After: mustJSON(commentState{ID: id, Kind: "comment", Body: body})})
	}
	return nil
}

// later queues an event until the seeded clock reaches its time, so that
// the audit log is in time order as the application would have written it.
func (s *benchSeeder) later(ev domain.AuditEvent) {
	s.seq++
	heap.Push(&s.pending, &pendingEvent{ev: ev, seq: s.seq})
}

// emit chains and writes one audit event.
func (s *benchSeeder) emit(ev domain.AuditEvent) error {
	ev.At = ev.At.UTC().Truncate(time.Microsecond)
	s.lastID++
	ev.ID, ev.PrevHash = s.lastID, s.lastHash
	ev.Hash = eventHash(&ev)
	s.lastHash = ev.Hash
	s.counts.AuditEvents++
	return s.events.add(ev.ID, formatTime(ev.At), nullInt(ev.ActorID), ev.ActorLabel, ev.TokenName, ev.Action, ev.Entity, ev.EntityID,
		nullJSON(ev.Before), nullJSON(ev.After), ev.RequestID, ev.ClientAddr, ev.PrevHash, ev.Hash)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type pendingEvent struct {
	ev  domain.AuditEvent
	seq int64
}

type eventQueue []*pendingEvent

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].ev.At.Equal(q[j].ev.At) {
		return q[i].ev.At.Before(q[j].ev.At)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*pendingEvent)) }
func (q *eventQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// bulkInsert gathers rows and hands them, many at a time, to the seed's
// writer as one multi-row INSERT.
type bulkInsert struct {
	w     *seedWriter
	table string
	cols  string
	width int
	per   int
	full  string // the statement of per rows
	args  []any
	rows  int
}

func newBulkInsert(w *seedWriter, table, cols string) *bulkInsert {
	width := len(strings.Split(cols, ","))
	b := &bulkInsert{w: w, table: table, cols: cols, width: width, per: max(1, 900/width)}
	b.full = b.query(b.per)
	b.args = make([]any, 0, b.per*b.width)
	return b
}

func (b *bulkInsert) query(rows int) string {
	one := "(" + strings.Repeat("?, ", b.width-1) + "?)"
	return `INSERT INTO ` + b.table + ` (` + b.cols + `) VALUES ` + strings.Repeat(one+", ", rows-1) + one
}

func (b *bulkInsert) add(vals ...any) error {
	if len(vals) != b.width {
		return fmt.Errorf("seed %s: %d values for %d columns", b.table, len(vals), b.width)
	}
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows < b.per {
		return nil
	}
	return b.send(b.full)
}

func (b *bulkInsert) send(q string) error {
	err := b.w.exec(q, b.args)
	b.args, b.rows = make([]any, 0, b.per*b.width), 0
	return err
}

// flush hands over the rows left.
func (b *bulkInsert) flush() error {
	if b.rows == 0 {
		return nil
	}
	return b.send(b.query(b.rows))
}

// seedWriter runs the seed's INSERTs on its own goroutine, the only one
// using the connection while rows are made, so that making the rows (text,
// JSON, the audit chain's hashes) and SQLite's work on them share both
// cores.
type seedWriter struct {
	ctx     context.Context
	conn    *sql.Conn
	batches chan seedBatch
	done    chan struct{}
	failed  atomic.Bool
	err     error // the first failure; read after done
}

type seedBatch struct {
	q    string
	args []any
}

func startSeedWriter(ctx context.Context, conn *sql.Conn) *seedWriter {
	w := &seedWriter{ctx: ctx, conn: conn, batches: make(chan seedBatch, 64), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *seedWriter) run() {
	defer close(w.done)
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for b := range w.batches {
		if w.err != nil {
			continue
		}
		st, ok := stmts[b.q]
		if !ok {
			if st, w.err = w.conn.PrepareContext(w.ctx, b.q); w.err != nil {
				w.failed.Store(true)
				continue
			}
			stmts[b.q] = st
		}
		if _, w.err = st.ExecContext(w.ctx, b.args...); w.err != nil {
			w.failed.Store(true)
		}
	}
}

// exec queues one statement; an earlier failure is reported at once.
func (w *seedWriter) exec(q string, args []any) error {
	if w.failed.Load() {
		return errors.New("seed: the writer stopped on an error")
	}
	select {
	case w.batches <- seedBatch{q, args}:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}

// wait lets the writer finish what is queued and says how it went; the
// connection is the caller's again after it. It may be called more than once.
func (w *seedWriter) wait() error {
	select {
	case <-w.done:
	default:
		close(w.batches)
		<-w.done
	}
	return w.err
}
