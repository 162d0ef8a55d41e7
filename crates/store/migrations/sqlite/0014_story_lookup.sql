-- Which story each of a search's matches is in, without reading the articles' rows: an
-- article's `story_id` sits after its texts, in the row's overflow pages, so a lookup by id in
-- the table read three pages an article (1,000 matches: ~10 ms, most of a common word's
-- search). `Store::stories_of` reads this index instead (`INDEXED BY`: the planner prefers the
-- primary key).
CREATE INDEX articles_story_lookup ON articles(id, story_id);
