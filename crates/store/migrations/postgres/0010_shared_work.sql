-- Politeness shared by the workers of one database. A host's turn (host as the fetcher names
-- it: lower case, no trailing dot) is taken by one worker (holder) until it gives it back or
-- next_at passes; given back, next_at is when the host's next request may start (unix
-- microseconds).
CREATE TABLE host_turns (
    host TEXT PRIMARY KEY,
    next_at BIGINT NOT NULL,
    holder TEXT
);

-- robots.txt per origin (host:port) as a worker found it: status 'found' with its text,
-- 'missing' (4xx: everything allowed) or 'unavailable' (nothing fetched until it expires).
CREATE TABLE robots_files (
    origin TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The order in which clustering placed articles, so that every worker replays the others'
-- decisions in the order they were made. Articles stored before this were all placed.
ALTER TABLE articles ADD COLUMN placed_seq BIGINT;
UPDATE articles SET placed_seq = id;
CREATE UNIQUE INDEX articles_placed_seq ON articles(placed_seq);

-- Per-outlet settings: a CSS selector for the article body on its pages, and the user agent
-- its fetches send.
ALTER TABLE outlets ADD COLUMN selector TEXT;
ALTER TABLE outlets ADD COLUMN user_agent TEXT;
