-- Keyset page, newest first: rows before the cursor's id (all rows when there is no
-- cursor), so a deep page reads as few rows as the first one.
SELECT id, name, email, role, created_at, updated_at
FROM users
WHERE (%(before_id)s IS NULL OR id < %(before_id)s)
ORDER BY id DESC
LIMIT %(limit)s
