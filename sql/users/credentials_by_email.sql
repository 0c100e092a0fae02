-- The one query that reads password_hash: the sign-in lookup. following_count tells GET /feed
-- which of its two statements serves this reader.
SELECT id, name, email, role, password_hash, created_at, updated_at, following_count
FROM users
WHERE email = %(email)s
