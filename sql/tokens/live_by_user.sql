-- Never the token: only its hash is stored, and not even that is returned. current is 1 for
-- the token this request was sent with; signed in with a password, sent_token_hash is
-- NULL and every token's current is 0 (<=> answers 0 or 1, never NULL).
SELECT id, created_at, expires_at, token_hash <=> UNHEX(%(sent_token_hash)s) AS current
FROM tokens
WHERE user_id = %(user_id)s
  AND expires_at > %(now)s
ORDER BY id DESC
