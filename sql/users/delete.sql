-- The user's boards go with them (the foreign key's ON DELETE CASCADE).
DELETE FROM users
WHERE id = %(id)s
  AND (%(expected_updated_at)s IS NULL OR updated_at = %(expected_updated_at)s)
