-- Reader comments. The email address itself is never stored: email_key is the SHA-256 of its
-- trimmed, lower-cased form, enough to recognise an approved author and to erase by email.
-- poster_key is the SHA-256 of the posting browser's cookie, so that browser alone sees its
-- comment while it awaits moderation.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id BIGINT REFERENCES comments(id) ON DELETE SET NULL,
    depth BIGINT NOT NULL,
    name TEXT NOT NULL,
    email_key TEXT NOT NULL,
    website TEXT,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL,
    ip TEXT NOT NULL,
    poster_key TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX comments_article ON comments(article_id, status);
CREATE INDEX comments_email ON comments(email_key);
CREATE INDEX comments_status ON comments(status, id);

-- Authors whose comments appear at once, by email_key.
CREATE TABLE comment_authors (
    email_key TEXT PRIMARY KEY,
    approved_at BIGINT NOT NULL
);

-- The operator's lists: kind 'word' or 'ip'; verdict 'hold' or 'spam'.
CREATE TABLE comment_blocks (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    verdict TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value)
);

-- One-use form nonces of comments already posted, kept until their token has expired anyway.
CREATE TABLE used_form_nonces (
    nonce TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX used_form_nonces_expiry ON used_form_nonces(expires_at);
