-- A claim that moves between searched states (taken, submitted, approved,
-- returned) reads the same: only its state filter changes, on the claim, its
-- verdict and its sources. Before, every such move queued all three for the
-- search index, and the commit loaded each again, compared its terms and
-- rewrote its row inside the single writer's turn. Now the move itself
-- renames the one "~s:" posting of each document that is indexed, keeps the
-- terms' counts and the rows' state and term list in step, and queues
-- nothing. Searched states are plain lower-case words, so their filter term
-- is '~s:' || state (match.FilterTerm), and it is the only "~s:" term of a
-- document, so renaming it in the sorted term list keeps the list sorted.
--
-- The rating filter of a claim and its sources depends on the state when the
-- rating kept at approval differs from the verdict's rating now (a rating
-- renamed since): such a move, like any change of wording, claimant, type
-- or article, or entering or leaving the searched states, still queues the
-- documents for indexing as before.
DROP TRIGGER search_claim_changed;

CREATE TRIGGER search_claim_changed AFTER UPDATE OF state, text, claimant, type, article_id ON claims
WHEN (OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
   OR NEW.state IN ('queued', 'in_review', 'submitted', 'approved'))
 AND (OLD.text IS NOT NEW.text OR OLD.claimant IS NOT NEW.claimant
   OR OLD.type IS NOT NEW.type OR OLD.article_id IS NOT NEW.article_id
   OR (OLD.state IS NOT NEW.state AND NOT (
        OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
    AND NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
    AND NOT EXISTS (SELECT 1 FROM verdicts v LEFT JOIN ratings r ON r.id = v.rating_id
        WHERE v.claim_id = NEW.id AND coalesce(v.approved_rating_name, r.name, '') IS NOT coalesce(r.name, '')))))
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.id * 8 + 1);
    INSERT OR IGNORE INTO search_pending (doc) SELECT claim_id * 8 + 3 FROM verdicts WHERE claim_id = NEW.id;
    INSERT OR IGNORE INTO search_pending (doc) SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id;
END;

CREATE TRIGGER search_claim_moved AFTER UPDATE OF state ON claims
WHEN OLD.state IS NOT NEW.state
 AND OLD.state IN ('queued', 'in_review', 'submitted', 'approved')
 AND NEW.state IN ('queued', 'in_review', 'submitted', 'approved')
 AND OLD.text IS NEW.text AND OLD.claimant IS NEW.claimant
 AND OLD.type IS NEW.type AND OLD.article_id IS NEW.article_id
 AND NOT EXISTS (SELECT 1 FROM verdicts v LEFT JOIN ratings r ON r.id = v.rating_id
     WHERE v.claim_id = NEW.id AND coalesce(v.approved_rating_name, r.name, '') IS NOT coalesce(r.name, ''))
BEGIN
    -- The claim's documents that carry the old state now (a document not
    -- indexed yet is indexed with the state it has then).
    INSERT INTO search_terms (term, df)
        SELECT '~s:' || NEW.state, count(*) FROM search_postings
        WHERE term = '~s:' || OLD.state AND doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
            UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id)
        HAVING count(*) > 0
        ON CONFLICT (term) DO UPDATE SET df = df + excluded.df;
    UPDATE search_terms SET df = df - (SELECT count(*) FROM search_postings
        WHERE term = '~s:' || OLD.state AND doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
            UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id))
    WHERE term = '~s:' || OLD.state;
    UPDATE search_postings SET term = '~s:' || NEW.state
    WHERE term = '~s:' || OLD.state AND doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
        UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id);
    UPDATE search_docs SET state = NEW.state, terms = replace(terms, '~s:' || OLD.state, '~s:' || NEW.state)
    WHERE doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
        UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id);
END;

-- A new verdict is searchable once it has words; it changes the claim's
-- rating filter only when it has a rating.
DROP TRIGGER search_verdict_added;

CREATE TRIGGER search_verdict_added AFTER INSERT ON verdicts
BEGIN
    INSERT OR IGNORE INTO search_pending (doc)
        SELECT NEW.claim_id * 8 + 3 WHERE NEW.conclusion <> '' OR NEW.explanation <> '';
    INSERT OR IGNORE INTO search_pending (doc)
        SELECT NEW.claim_id * 8 + 1 WHERE NEW.rating_id IS NOT NULL OR NEW.approved_rating_name IS NOT NULL;
END;

-- The claim and its sources carry the verdict's rating as a filter: the
-- rating kept at approval once approved, the verdict's rating otherwise.
-- Approving keeps the rating's name as it is, which changes neither, so
-- only a different rating or a different name queues them.
DROP TRIGGER search_verdict_changed;

CREATE TRIGGER search_verdict_changed AFTER UPDATE ON verdicts
WHEN OLD.conclusion IS NOT NEW.conclusion OR OLD.explanation IS NOT NEW.explanation
  OR OLD.rating_id IS NOT NEW.rating_id OR OLD.approved_at IS NOT NEW.approved_at
  OR OLD.approved_rating_name IS NOT NEW.approved_rating_name
BEGIN
    INSERT OR IGNORE INTO search_pending (doc) VALUES (NEW.claim_id * 8 + 3);
    INSERT OR IGNORE INTO search_pending (doc) SELECT NEW.claim_id * 8 + 1
        WHERE OLD.rating_id IS NOT NEW.rating_id
           OR coalesce(OLD.approved_rating_name, (SELECT name FROM ratings WHERE id = OLD.rating_id))
              IS NOT coalesce(NEW.approved_rating_name, (SELECT name FROM ratings WHERE id = NEW.rating_id));
    INSERT OR IGNORE INTO search_pending (doc) SELECT id * 8 + 4 FROM sources
        WHERE claim_id = NEW.claim_id AND (OLD.rating_id IS NOT NEW.rating_id
           OR coalesce(OLD.approved_rating_name, (SELECT name FROM ratings WHERE id = OLD.rating_id))
              IS NOT coalesce(NEW.approved_rating_name, (SELECT name FROM ratings WHERE id = NEW.rating_id)));
END;
