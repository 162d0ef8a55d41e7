-- Which story each of a search's matches is in, from the index alone (an index-only scan),
-- as SQLite reads it (where the table's row would cost its overflow pages).
CREATE INDEX articles_story_lookup ON articles(id, story_id);
