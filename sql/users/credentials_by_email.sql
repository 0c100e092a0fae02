-- The one query that reads password_hash: the sign-in lookup.
SELECT id, name, email, role, password_hash, created_at, updated_at
FROM users
WHERE email = %(email)s
