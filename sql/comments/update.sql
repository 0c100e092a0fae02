-- When the client sent If-Match, the row changes only if it is still the version the client
-- saw: the check and the write are one statement.
UPDATE comments
SET content = %(content)s,
    updated_at = %(now)s
WHERE id = %(id)s
  AND (%(expected_updated_at)s IS NULL OR updated_at = %(expected_updated_at)s)
