-- Only the token's SHA-256 is kept (UNHEX of the hex digest, into BINARY(32)).
INSERT INTO tokens (user_id, token_hash, created_at, expires_at)
VALUES (%(user_id)s, UNHEX(%(token_hash)s), %(now)s, %(expires_at)s)
