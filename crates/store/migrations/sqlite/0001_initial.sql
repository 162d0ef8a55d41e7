-- Times are unix microseconds (BIGINT) on both backends; flags are 0/1.
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    site_url TEXT,
    category TEXT,
    full_text BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    outlet_id BIGINT NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    url TEXT NOT NULL UNIQUE,
    etag TEXT,
    last_modified TEXT,
    last_fetch_at BIGINT,
    last_error TEXT,
    next_fetch_at BIGINT NOT NULL,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    paused_reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX feeds_due ON feeds(next_fetch_at);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    first_article_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX stories_updated ON stories(updated_at);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    outlet_id BIGINT NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    feed_id BIGINT REFERENCES feeds(id) ON DELETE SET NULL,
    guid TEXT,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    authors TEXT NOT NULL DEFAULT '',
    published_at BIGINT,
    updated_at BIGINT,
    fetched_at BIGINT NOT NULL,
    sort_at BIGINT NOT NULL,
    content_html TEXT NOT NULL,
    content_text TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    lang TEXT,
    extraction TEXT NOT NULL,
    extraction_note TEXT,
    story_id BIGINT REFERENCES stories(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX articles_feed_guid ON articles(feed_id, guid);
CREATE INDEX articles_sort ON articles(sort_at);
CREATE INDEX articles_outlet_sort ON articles(outlet_id, sort_at);
CREATE INDEX articles_story ON articles(story_id);
