DELETE FROM boards
WHERE id = %(id)s
  AND (%(expected_updated_at)s IS NULL OR updated_at = %(expected_updated_at)s)
