-- Stories found to be one event merge into the older one; the merged story's id keeps
-- working as a link to the survivor.
CREATE TABLE story_redirects (
    old_id BIGINT PRIMARY KEY,
    new_id BIGINT NOT NULL,
    merged_at BIGINT NOT NULL
);
CREATE INDEX story_redirects_new ON story_redirects(new_id);
