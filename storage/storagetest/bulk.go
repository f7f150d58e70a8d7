package storagetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"claimtrail/storage"
)

// Bulk creates a database at path holding claims approved claims — with
// users, a rating scale, articles, verdicts and two sources each — for
// benchmarks. SQLite generates the rows itself (recursive CTEs), so a
// million claims take a minute or two rather than an hour.
func Bulk(path string, claims int) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	// Migrate through storage so the schema is exactly the application's.
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		return err
	}
	db.Close()

	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=cache_size(-200000)")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	articles := max(claims/20, 1)
	now := "2025-03-01T09:00:00.000000Z"
	steps := []string{
		`INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
		 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
		 SELECT 'user' || i || '@newsroom.example', 'User ' || i, CASE WHEN i <= 6 THEN 'reviewer' ELSE 'editor' END, 'x', $now, $now FROM n`,
		`INSERT INTO articles (id, title, outlet, author, url, url_key, published_at, body, fingerprint, origin, created_at, updated_at)
		 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $articles)
		 SELECT i, 'Article number ' || i || ': what the minister said, and why it matters', 'Outlet ' || (i % 20),
		   'Reporter ' || (i % 50), 'https://news.example/articles/' || i, 'news.example/articles/' || i,
		   strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2024-01-01', '+' || (i % 400) || ' days'),
		   'Body', 'fp' || i, 'demo', $now, $now FROM n`,
		`INSERT INTO claims (id, article_id, sentence, start_offset, end_offset, text, score, checkworthy, type, figures, claimant, created_at, updated_at)
		 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $claims)
		 SELECT i, 1 + (i % $articles), 'sentence', 0, 80,
		   CASE i % 10 WHEN 0 THEN '=SUM(A1) "quoted", with commas' WHEN 1 THEN 'Unemployment fell by ' || (i % 97) || '% last year,
		   the lowest since records began' ELSE 'Spending on schools rose by £' || (i % 500) || 'm in the year to March, says claim ' || i END,
		   0.8, 1, 'quantity',
		   CASE WHEN i % 3 = 0 THEN '[]' ELSE '[{"text":"' || (i % 97) || '%","start":0,"end":3,"kind":"percent","value":1,"unit":"%"},{"text":"£' || (i % 500) || 'm","start":5,"end":9,"kind":"money","value":1,"unit":"GBP"}]' END,
		   CASE i % 4 WHEN 0 THEN '' ELSE 'Minister ' || (i % 30) END, $now, $now FROM n`,
		`UPDATE claims SET state = 'queued'`,
		`UPDATE claims SET state = 'in_review'`,
		`INSERT INTO verdicts (claim_id, rating_id, conclusion, explanation, author_id, submitted_at, submitted_by, approved_at, approved_by, created_at, updated_at)
		 SELECT id, 1 + (id % 7), 'The figure is out of date; the latest one is lower.',
		   'We checked the official statistics for the period the claim covers. The figure quoted was correct two years ago, but the latest release shows a smaller rise. "Real terms" matters here: adjusted for inflation, spending fell.',
		   1 + (id % 6), strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2024-06-01', '+' || (id % 300) || ' days'), 1 + (id % 6),
		   strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2024-06-02', '+' || (id % 300) || ' days', '+' || (id % 86400) || ' seconds'), 7 + (id % 4), $now, $now
		 FROM claims`,
		`INSERT INTO sources (claim_id, position, url, title, type, created_at, updated_at)
		 SELECT id, 0, 'https://stats.example/releases/' || id, 'Official release ' || (id % 1000), 'official_statistics', $now, $now FROM claims`,
		`INSERT INTO sources (claim_id, position, url, title, type, created_at, updated_at)
		 SELECT id, 1, 'https://budget.example/tables/' || id, 'Budget tables, table ' || (id % 40), 'primary_document', $now, $now FROM claims`,
		`UPDATE claims SET state = 'submitted'`,
		`UPDATE claims SET state = 'approved'`,
	}
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range steps {
		if _, err := tx.Exec(q, sql.Named("now", now), sql.Named("articles", articles), sql.Named("claims", claims)); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	if _, err := raw.Exec(`ANALYZE`); err != nil {
		return err
	}
	return nil
}
