-- Every move of a claim between states (taken, submitted, approved,
-- returned) rewrites each index of claims that holds its state. Three of
-- them no query reads any more: claims_queue and claims_updated sort by
-- columns nothing orders by (the queue is read in queue_key order through
-- claims_queue_key, for every state), and claims_assignee is the front of
-- claims_assignee_queue, which answers the same lookups. Dropping them takes
-- three index rewrites (six page changes) off every move.
DROP INDEX claims_queue;
DROP INDEX claims_updated;
DROP INDEX claims_assignee;

-- A move between searched states renames the claim's documents' "~s:"
-- posting as before, but counts the renamed postings once (changes() of the
-- rename, in the trigger's own context) instead of counting them twice
-- beforehand: one statement on the postings and one on the counts instead
-- of three and two. What the index holds is unchanged (migration 210).
DROP TRIGGER search_claim_moved;

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
    UPDATE search_postings SET term = '~s:' || NEW.state
    WHERE term = '~s:' || OLD.state AND doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
        UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id);
    -- changes() is the rename's count until this statement ends.
    INSERT INTO search_terms (term, df)
        SELECT '~s:' || NEW.state, changes() WHERE changes() > 0
        UNION ALL SELECT '~s:' || OLD.state, -changes() WHERE changes() > 0
        ON CONFLICT (term) DO UPDATE SET df = df + excluded.df;
    UPDATE search_docs SET state = NEW.state, terms = replace(terms, '~s:' || OLD.state, '~s:' || NEW.state)
    WHERE doc IN (SELECT NEW.id * 8 + 1 UNION ALL SELECT NEW.id * 8 + 3
        UNION ALL SELECT id * 8 + 4 FROM sources WHERE claim_id = NEW.id);
END;

-- The dashboard's due list holds only claims with a due date: a move of a
-- claim that has none, before or after, has nothing to take out or put in.
DROP TRIGGER desk_due_changed;

CREATE TRIGGER desk_due_changed AFTER UPDATE OF state, due_at ON claims
WHEN (NEW.state IS NOT OLD.state OR NEW.due_at IS NOT OLD.due_at)
 AND (OLD.due_at IS NOT NULL OR NEW.due_at IS NOT NULL)
BEGIN
    DELETE FROM desk_due WHERE claim_id = OLD.id;
    INSERT INTO desk_due (outlet, due_at, claim_id)
        SELECT outlet, NEW.due_at, NEW.id FROM articles
        WHERE id = NEW.article_id AND NEW.due_at IS NOT NULL AND NEW.state IN ('queued', 'in_review', 'submitted');
END;
