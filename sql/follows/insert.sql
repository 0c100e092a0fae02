-- One row per pair (the unique key; IGNORE makes a repeat a no-op: rowcount 0). Nobody
-- follows themself: the statement inserts nothing for such a pair, whoever runs it (MySQL
-- forbids a CHECK constraint on columns that a foreign key with ON DELETE CASCADE uses).
INSERT IGNORE INTO follows (follower_id, followee_id, created_at)
SELECT %(follower_id)s, %(followee_id)s, %(now)s
FROM DUAL
WHERE %(follower_id)s <> %(followee_id)s
