-- The boards seeded comments go to: the newest, which the pages and lists show first.
SELECT id FROM boards ORDER BY id DESC LIMIT %(limit)s
