-- Runs in one transaction after boards/subtract_comment_count.sql; no row (deleted
-- meanwhile, or changed since If-Match) rolls the count back with it.
DELETE FROM comments
WHERE id = %(id)s
  AND (%(expected_updated_at)s IS NULL OR updated_at = %(expected_updated_at)s)
