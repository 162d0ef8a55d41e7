-- Republished copies. An article's MinHash signature (hexadecimal, tidings_text::CopySignature)
-- and its band keys, by which a new article finds the stored ones it may be a copy of.
ALTER TABLE articles ADD COLUMN copy_signature TEXT;
CREATE TABLE article_bands (
    band BIGINT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX article_bands_article ON article_bands(article_id);

-- A copy of a stored article published by another outlet (or again by the same one at another
-- address): kept as a credit of the article, not as an article of its own.
CREATE TABLE article_copies (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    outlet_id BIGINT NOT NULL REFERENCES outlets(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    published_at BIGINT,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX article_copies_article ON article_copies(article_id);
