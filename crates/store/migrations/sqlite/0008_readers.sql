-- Each reader's own state: read and starred articles, marks "all read up to a time", followed
-- and muted outlets and stories, labels on articles, and API tokens (kept as SHA-256 hashes).
-- An article's read state is its explicit row when it has one, else whether it was fetched no
-- later than a mark that covers it (everything, its outlet or its story).
CREATE TABLE reader_state (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    read BIGINT,
    starred BIGINT NOT NULL DEFAULT 0,
    starred_at BIGINT,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX reader_state_starred ON reader_state(user_id, starred);

CREATE TABLE reader_marks (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target BIGINT NOT NULL,
    up_to BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);

CREATE TABLE reader_follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target BIGINT NOT NULL,
    state TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);

CREATE TABLE reader_labels (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id, label)
);
CREATE INDEX reader_labels_label ON reader_labels(user_id, label);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Reader apps page through articles by arrival: the fetch time bounds `ot`/`nt` filters.
CREATE INDEX articles_fetched ON articles(fetched_at);
