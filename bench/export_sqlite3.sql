-- The export's query for the sqlite3 shell, producing the same columns as
-- `claimtrail export -format csv` (bench/export.sh compares the two):
-- same joins and aggregates, RFC 3339 times, neutralised text cells.
.headers on
.mode csv
WITH x AS (
SELECT c.id AS claim_id, c.text AS claim, c.claimant, c.type AS claim_type,
	CASE WHEN c.figures = '[]' THEN '' ELSE
		coalesce((SELECT group_concat(json_extract(f.value, '$.text'), char(10)) FROM json_each(c.figures) f), '') END AS figures,
	a.title AS article_title, a.url AS article_url, a.outlet, a.published_at,
	coalesce(r.name, '') AS rating, r.value AS rating_value, coalesce(v.conclusion, '') AS conclusion, coalesce(v.explanation, '') AS explanation,
	coalesce((SELECT group_concat(s.title || ' — ' || s.url, char(10))
		FROM (SELECT title, url FROM sources WHERE claim_id = c.id ORDER BY position, id) s), '') AS sources,
	coalesce(rv.name, '') AS reviewer, coalesce(ed.name, '') AS editor, v.submitted_at, v.approved_at, c.state
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN verdicts v ON v.claim_id = c.id
LEFT JOIN ratings r ON r.id = v.rating_id
LEFT JOIN users rv ON rv.id = coalesce(v.author_id, v.submitted_by)
LEFT JOIN users ed ON ed.id = v.approved_by
WHERE +c.state = 'approved'
ORDER BY c.id)
SELECT claim_id,
	CASE WHEN substr(claim, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || claim ELSE claim END AS claim,
	CASE WHEN substr(claimant, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || claimant ELSE claimant END AS claimant,
	claim_type,
	CASE WHEN substr(figures, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || figures ELSE figures END AS figures,
	CASE WHEN substr(article_title, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || article_title ELSE article_title END AS article_title,
	CASE WHEN substr(article_url, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || article_url ELSE article_url END AS article_url,
	CASE WHEN substr(outlet, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || outlet ELSE outlet END AS outlet,
	CASE WHEN published_at IS NULL THEN '' ELSE substr(published_at, 1, 19) || 'Z' END AS article_published_at,
	CASE WHEN substr(rating, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || rating ELSE rating END AS rating,
	rating_value,
	CASE WHEN substr(conclusion, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || conclusion ELSE conclusion END AS conclusion,
	CASE WHEN substr(explanation, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || explanation ELSE explanation END AS explanation,
	CASE WHEN substr(sources, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || sources ELSE sources END AS sources,
	CASE WHEN substr(reviewer, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || reviewer ELSE reviewer END AS reviewer,
	CASE WHEN substr(editor, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) THEN '''' || editor ELSE editor END AS editor,
	CASE WHEN submitted_at IS NULL THEN '' ELSE substr(submitted_at, 1, 19) || 'Z' END AS submitted_at,
	CASE WHEN approved_at IS NULL THEN '' ELSE substr(approved_at, 1, 19) || 'Z' END AS approved_at,
	state,
	'https://checks.example/checks/' || claim_id AS claim_url
FROM x;
