-- The default rating scale, the queue's keyset order, and indexes for the
-- workflow pages.

-- on_scale = 0 marks ratings outside the true–false scale (Unverifiable):
-- ClaimReview's bestRating/worstRating are the highest and lowest value of
-- the on-scale ratings only.
ALTER TABLE ratings ADD COLUMN on_scale INTEGER NOT NULL DEFAULT 1 CHECK (on_scale IN (0, 1));

INSERT INTO ratings (name, value, position, on_scale, created_at, updated_at) VALUES
    ('True',         6, 1, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('Mostly true',  5, 2, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('Half true',    4, 3, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('Misleading',   3, 4, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('Mostly false', 2, 5, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('False',        1, 6, 1, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now')),
    ('Unverifiable', 0, 7, 0, strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'));

-- The queue's order (priority, then score, then age, then id) as one text
-- key, so that keyset pagination is a single index range even though the
-- columns sort in different directions. Scores are assumed below 1,000,000.
ALTER TABLE claims ADD COLUMN queue_key TEXT GENERATED ALWAYS AS (
    printf('%d|%016.6f|%s|%019d', 3 - priority, 1000000.0 - score, coalesce(queued_at, ''), id)) VIRTUAL;

CREATE INDEX claims_queue_key ON claims (state, queue_key);
CREATE INDEX claims_due ON claims (due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX comments_kind ON comments (claim_id, kind, created_at);
