-- Each outlet's repeated lines: the paragraph fingerprints of its recent articles (a history
-- kept short by the engine), and the lines found to recur and taken out of new articles.
CREATE TABLE paragraph_fingerprints (
    outlet_id BIGINT NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    article_url TEXT NOT NULL,
    fingerprint BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
);
CREATE INDEX paragraph_fingerprints_outlet ON paragraph_fingerprints(outlet_id, seen_at);

CREATE TABLE repeated_lines (
    outlet_id BIGINT NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    fingerprint BIGINT NOT NULL,
    line TEXT NOT NULL,
    removed_count BIGINT NOT NULL DEFAULT 0,
    last_removed_at BIGINT NOT NULL,
    PRIMARY KEY (outlet_id, fingerprint)
);
