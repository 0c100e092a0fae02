-- Never the token: only its hash is stored, and not even that is returned. current: is it
-- the token this request was sent with (%(sent_token_hash)s NULL, signed in with a password:
-- none is)?
SELECT id, created_at, expires_at, token_hash <=> UNHEX(%(sent_token_hash)s) AS current
FROM tokens
WHERE user_id = %(user_id)s
  AND expires_at > %(now)s
ORDER BY id DESC
