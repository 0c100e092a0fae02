-- updated_at is a row's version (its ETag), and only oz writes it: each UPDATE that changes
-- what the ETag versions sets it. ON UPDATE CURRENT_TIMESTAMP(6) made every other UPDATE
-- (a counter, a recount) move it too unless that statement remembered `updated_at =
-- updated_at`; one forgotten copy silently changed an ETag. Dropping the column attribute is
-- a change of metadata alone.
ALTER TABLE users
  MODIFY updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);

ALTER TABLE boards
  MODIFY updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);

ALTER TABLE comments
  MODIFY updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);

-- The board-count triggers lose their `updated_at = updated_at` too. Each is replaced while
-- boards is locked for writing, so no board is written between the DROP and the CREATE and
-- none goes uncounted; the LOCK and DROP ... IF EXISTS make these statements safe to run again.
LOCK TABLES boards WRITE, users WRITE;

DROP TRIGGER IF EXISTS boards_count_insert;

CREATE TRIGGER boards_count_insert BEFORE INSERT ON boards FOR EACH ROW
  UPDATE users SET board_count = board_count + 1 WHERE id = NEW.user_id;

DROP TRIGGER IF EXISTS boards_count_delete;

CREATE TRIGGER boards_count_delete BEFORE DELETE ON boards FOR EACH ROW
  UPDATE users SET board_count = board_count - 1 WHERE id = OLD.user_id;

UNLOCK TABLES;
