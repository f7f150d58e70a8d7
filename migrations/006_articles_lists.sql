-- The articles list filters by outlet and by who added an article, newest
-- first; these keep each filtered page a short index walk with a million rows.
CREATE INDEX articles_outlet_created ON articles (outlet, created_at DESC, id DESC);
CREATE INDEX articles_added_by_created ON articles (added_by, created_at DESC, id DESC);
