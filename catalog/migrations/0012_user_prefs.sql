-- The language a user reads the web pages in, remembered across logins.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en'));
