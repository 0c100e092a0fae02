-- An index on a big, busy table. INPLACE with LOCK=NONE builds it while reads and writes go
-- on (MySQL 8 and MariaDB both honour both clauses, and refuse the statement rather than lock
-- if they could not).
ALTER TABLE boards ADD INDEX ix_boards_created_at (created_at), ALGORITHM = INPLACE, LOCK = NONE;
