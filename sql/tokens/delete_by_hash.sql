-- The token this request was sent with (its hash is the primary key): logging out.
DELETE FROM tokens
WHERE token_hash = UNHEX(%(token_hash)s)
