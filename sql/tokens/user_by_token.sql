-- The one query of a Bearer sign-in: the token's user, found by token_hash (the primary key),
-- while the token lives. The user's columns are those of users/credentials_by_email.sql
-- (without password_hash), so both sign-ins give the routes the same row.
SELECT u.id, u.name, u.email, u.role, u.created_at, u.updated_at, u.following_count
FROM tokens AS t
JOIN users AS u ON u.id = t.user_id
WHERE t.token_hash = UNHEX(%(token_hash)s)
  AND t.expires_at > %(now)s
