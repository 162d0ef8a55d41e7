-- Reader apps page through one outlet's articles newest id first (stream contents of `feed/N`,
-- and every feed newsboat reloads): without this index each page sorted all the outlet's
-- articles (SQLite) or scanned every newer article of the site (PostgreSQL).
CREATE INDEX articles_outlet_id ON articles(outlet_id, id);
