-- A token is found by its SHA-256 on every Bearer request. As the primary key, the hash
-- leads straight to the row (InnoDB keeps rows in primary-key order); as a unique key it
-- led to the row's id, and the id to the row, one more index descent per request, which
-- cost the sign-in lookup about a tenth of its server time (measured: README.md, Tokens).
-- id stays unique and AUTO_INCREMENT: GET /tokens names tokens by it, DELETE /tokens/{id}
-- finds them by it and it keeps the newest-first order.
--
-- Only where tokens still has the old key: schema.sql loaded over an older database adds
-- the tables it lacks, tokens among them, already in this shape. One ALTER, so it happens
-- whole or not at all; INPLACE, LOCK=NONE: sign-ins go on while tokens is rebuilt. These
-- statements can run again: on the new shape they do nothing.
SET @tokens_keyed_by_hash = IF(
  EXISTS (SELECT 1 FROM information_schema.STATISTICS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tokens'
            AND INDEX_NAME = 'uq_tokens_token_hash'),
  'ALTER TABLE tokens
     DROP PRIMARY KEY,
     ADD PRIMARY KEY (token_hash),
     ADD UNIQUE KEY uq_tokens_id (id),
     DROP KEY uq_tokens_token_hash,
     ALGORITHM = INPLACE, LOCK = NONE',
  'DO 0');

PREPARE tokens_keyed_by_hash FROM @tokens_keyed_by_hash;

EXECUTE tokens_keyed_by_hash;

DEALLOCATE PREPARE tokens_keyed_by_hash;
