-- A column on a big, busy table: INSTANT changes only the table's metadata (MySQL 8.0.12+,
-- MariaDB 10.3+), whatever the number of rows.
ALTER TABLE boards ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE, ALGORITHM = INSTANT;
