-- A board's comment count, kept with each comment written or deleted. comments is new, so
-- every board starts at 0. INSTANT: a metadata change on MySQL 8 and MariaDB alike, with no
-- table copy and no lock held while a big boards table takes traffic.
ALTER TABLE boards ADD COLUMN comment_count INT UNSIGNED NOT NULL DEFAULT 0, ALGORITHM = INSTANT;
