-- Fields passed as NULL keep their value. When the client sent If-Match, the row changes
-- only if it is still the version the client saw: the check and the write are one statement.
UPDATE users
SET name = COALESCE(%(name)s, name),
    email = COALESCE(%(email)s, email),
    password_hash = COALESCE(%(password_hash)s, password_hash),
    role = COALESCE(%(role)s, role),
    updated_at = %(now)s
WHERE id = %(id)s
  AND (%(expected_updated_at)s IS NULL OR updated_at = %(expected_updated_at)s)
