// Package storagetest fills a claimtrail database with articles, claims,
// verdicts, sources, ratings and users for tests, straight through SQL on
// the schema, so that tests of exports and public pages need no workflow
// code. Claims go in as candidates and move through the allowed
// transitions, as the state machine trigger demands. Only tests import it.
package storagetest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"claimtrail/domain"
)

// Seeder writes fixtures into the database file at a path.
type Seeder struct {
	t   testing.TB
	db  *sql.DB
	Now time.Time
}

var seq atomic.Int64

// New opens a second connection to the (already migrated) database file.
func New(t testing.TB, path string) *Seeder {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return &Seeder{t: t, db: db, Now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

func (s *Seeder) exec(q string, args ...any) sql.Result {
	s.t.Helper()
	res, err := s.db.Exec(q, args...)
	if err != nil {
		s.t.Fatalf("seed: %v\n%s", err, q)
	}
	return res
}

func (s *Seeder) insert(q string, args ...any) int64 {
	s.t.Helper()
	id, _ := s.exec(q, args...).LastInsertId()
	return id
}

// User adds an account that cannot sign in (its password hash is a dummy).
func (s *Seeder) User(email, name string, role domain.Role) int64 {
	s.t.Helper()
	return s.insert(`INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?)`,
		email, name, role, ts(s.Now), ts(s.Now))
}

// Rating adds a step of the rating scale, or updates the one of that name
// (the migrations seed a default scale).
func (s *Seeder) Rating(name string, value float64, position int) int64 {
	s.t.Helper()
	var id int64
	err := s.db.QueryRow(`INSERT INTO ratings (name, value, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, position = excluded.position RETURNING id`,
		name, value, position, ts(s.Now), ts(s.Now)).Scan(&id)
	if err != nil {
		s.t.Fatalf("seed rating %s: %v", name, err)
	}
	return id
}

// Article is an article to add; zero fields get harmless defaults.
// Article is an article to add; Body defaults to a line naming its title.
type Article struct {
	Title, Outlet, Author, URL string
	Body                       string
	PublishedAt                time.Time
}

// Article adds an article.
func (s *Seeder) Article(a Article) int64 {
	s.t.Helper()
	n := seq.Add(1)
	if a.Title == "" {
		a.Title = fmt.Sprintf("Article %d", n)
	}
	var urlKey any
	if a.URL != "" {
		urlKey = fmt.Sprintf("%s#%d", a.URL, n)
	}
	if a.Body == "" {
		a.Body = "Body of " + a.Title
	}
	return s.insert(`INSERT INTO articles (title, outlet, author, url, url_key, published_at, body, fingerprint, origin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'paste', ?, ?)`,
		a.Title, a.Outlet, a.Author, a.URL, urlKey, ts(a.PublishedAt), a.Body, fmt.Sprintf("fp-%d-%d", n, time.Now().UnixNano()), ts(s.Now), ts(s.Now))
}

// Source is evidence for a verdict.
type Source struct{ Title, URL string }

// Claim is a claim to add, moved to State with the verdict fields given.
type Claim struct {
	ArticleID   int64
	Text        string
	Start       int     // where the sentence starts in the article's body
	Score       float64 // the extractor's check-worthiness score
	Claimant    string
	Type        domain.ClaimType
	Figures     []string
	State       domain.ClaimState // where it should end up; "" is approved
	RatingID    int64
	Conclusion  string
	Explanation string
	AuthorID    int64 // the reviewer who wrote the verdict
	EditorID    int64 // the editor who approved it
	SubmittedAt time.Time
	ApprovedAt  time.Time
	Sources     []Source
}

// paths are the transitions that lead from candidate to each state.
var paths = map[domain.ClaimState][]domain.ClaimState{
	domain.StateCandidate: {},
	domain.StateDismissed: {domain.StateDismissed},
	domain.StateQueued:    {domain.StateQueued},
	domain.StateInReview:  {domain.StateQueued, domain.StateInReview},
	domain.StateSubmitted: {domain.StateQueued, domain.StateInReview, domain.StateSubmitted},
	domain.StateApproved:  {domain.StateQueued, domain.StateInReview, domain.StateSubmitted, domain.StateApproved},
}

// Claim adds a claim and returns its id.
func (s *Seeder) Claim(c Claim) int64 {
	s.t.Helper()
	if c.State == "" {
		c.State = domain.StateApproved
	}
	if c.Type == "" {
		c.Type = domain.TypeQuantity
	}
	figs := make([]domain.Figure, len(c.Figures))
	for i, f := range c.Figures {
		figs[i] = domain.Figure{Text: f, Kind: "number"}
	}
	figures, _ := json.Marshal(figs)
	id := s.insert(`INSERT INTO claims (article_id, sentence, start_offset, end_offset, text, score, type, figures, claimant, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'candidate', ?, ?)`,
		c.ArticleID, c.Text, c.Start, c.Start+len(c.Text), c.Text, c.Score, c.Type, string(figures), c.Claimant, ts(s.Now), ts(s.Now))
	for _, st := range paths[c.State] {
		s.exec(`UPDATE claims SET state = ? WHERE id = ?`, st, id)
		if st == domain.StateInReview {
			s.exec(`INSERT INTO verdicts (claim_id, rating_id, conclusion, explanation, author_id, submitted_at, submitted_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, nullID(c.RatingID), c.Conclusion, c.Explanation, nullID(c.AuthorID),
				ts(c.SubmittedAt), nullID(c.AuthorID), ts(s.Now), ts(s.Now))
			for i, src := range c.Sources {
				s.exec(`INSERT INTO sources (claim_id, position, url, title, type, created_at, updated_at) VALUES (?, ?, ?, ?, 'other', ?, ?)`,
					id, i, src.URL, src.Title, ts(s.Now), ts(s.Now))
			}
		}
		if st == domain.StateApproved {
			s.exec(`UPDATE verdicts SET approved_at = ?, approved_by = ? WHERE claim_id = ?`, ts(c.ApprovedAt), nullID(c.EditorID), id)
		}
	}
	return id
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
