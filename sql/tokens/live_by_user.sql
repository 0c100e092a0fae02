-- Never the token: only its hash is stored, and not even that is returned.
SELECT id, created_at, expires_at
FROM tokens
WHERE user_id = %(user_id)s
  AND expires_at > %(now)s
ORDER BY id DESC
