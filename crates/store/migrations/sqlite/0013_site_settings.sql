-- Site settings an operator changes on /admin/settings (the site's name, sign-up, comment
-- rules), shared by every web node. A setting with no row keeps its command-line default.
CREATE TABLE site_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
