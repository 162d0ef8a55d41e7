-- The lead image an article's page declares (OpenGraph, Twitter card, JSON-LD): its address
-- (absolute http(s), checked where it enters the store) and the size the page declares. Pages
-- show it through the site's own image proxy, never from the outlet's host.
ALTER TABLE articles ADD COLUMN lead_image_url TEXT;
ALTER TABLE articles ADD COLUMN lead_image_width BIGINT;
ALTER TABLE articles ADD COLUMN lead_image_height BIGINT;
