-- The oz database: users and their boards (posts), comments, follows and sign-in tokens.
-- Load it with `mysql -u root -p < schema.sql` or open it in MySQL Workbench and run it.
-- Safe to run again: nothing is dropped or changed once it exists.
-- Works on MySQL 8.0.29+ and MariaDB 10.6+.
--
-- This file equals the result of every migration in sql/migrations (a test compares the
-- two), so a database made from it is at the latest version. A database that already
-- exists is brought up to date with `flask --app app db upgrade`, not with this file.

-- utf8mb4 stores every Unicode character, emoji included. The unicode_520 collation is
-- case- and accent-insensitive like the older unicode_ci, but tells emoji apart.
CREATE DATABASE IF NOT EXISTS `oz`
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;

USE `oz`;

CREATE TABLE IF NOT EXISTS users (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- Unique under the case-insensitive collation: "Alice" and "alice" are one name.
  name            VARCHAR(100) NOT NULL,
  -- Stored lowercased by the service; compared byte for byte.
  email           VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  password_hash   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role            ENUM('member', 'admin') NOT NULL DEFAULT 'member',
  created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- The row's version (its ETag): written by oz when the account's own fields change.
  updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- A profile's counts: board_count by the triggers below, the follow counts by the
  -- statements that write follows (docs/counters.md).
  board_count     INT UNSIGNED NOT NULL DEFAULT 0,
  follower_count  INT UNSIGNED NOT NULL DEFAULT 0,
  following_count INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_name (name),
  UNIQUE KEY uq_users_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS boards (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id       BIGINT UNSIGNED NOT NULL,
  title         VARCHAR(200) NOT NULL,
  -- Up to 20,000 characters of up to 4 bytes each: more than TEXT's 64 KiB.
  content       MEDIUMTEXT NOT NULL,
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- Kept by the statements that write and delete comments (docs/counters.md).
  comment_count INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  -- Serves one author's boards newest first (and the foreign key).
  KEY ix_boards_user_id_id (user_id, id),
  CONSTRAINT fk_boards_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- users.board_count moves with every board written or deleted, inside the same statement
-- (why a trigger, and why BEFORE: sql/migrations/0008_boards_count_triggers.sql).
-- IF NOT EXISTS needs MySQL 8.0.29+ (MariaDB 10.1+).
CREATE TRIGGER IF NOT EXISTS boards_count_insert BEFORE INSERT ON boards FOR EACH ROW
  UPDATE users SET board_count = board_count + 1 WHERE id = NEW.user_id;

CREATE TRIGGER IF NOT EXISTS boards_count_delete BEFORE DELETE ON boards FOR EACH ROW
  UPDATE users SET board_count = board_count - 1 WHERE id = OLD.user_id;

-- Bearer tokens: only the SHA-256 of a token is kept. It is the primary key, so the sign-in
-- lookup goes straight to the row (migration 0009); id names a token in GET and DELETE /tokens.
CREATE TABLE IF NOT EXISTS tokens (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    BIGINT UNSIGNED NOT NULL,
  token_hash BINARY(32) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at DATETIME(6) NOT NULL,
  PRIMARY KEY (token_hash),
  UNIQUE KEY uq_tokens_id (id),
  KEY ix_tokens_user_id_id (user_id, id),
  CONSTRAINT fk_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- (board_id, id) serves a board's comments oldest first; (user_id, board_id) finds the
-- boards whose counts a deleted user's comments fed.
CREATE TABLE IF NOT EXISTS comments (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  board_id   BIGINT UNSIGNED NOT NULL,
  user_id    BIGINT UNSIGNED NOT NULL,
  content    VARCHAR(2000) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_comments_board_id_id (board_id, id),
  KEY ix_comments_user_id_board_id (user_id, board_id),
  CONSTRAINT fk_comments_board FOREIGN KEY (board_id) REFERENCES boards (id) ON DELETE CASCADE,
  CONSTRAINT fk_comments_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- One row per pair; the id orders the lists "most recent follow first". Nobody follows
-- themself: the follow statement refuses it (MySQL forbids a CHECK on columns of a foreign
-- key with ON DELETE CASCADE).
CREATE TABLE IF NOT EXISTS follows (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  follower_id BIGINT UNSIGNED NOT NULL,
  followee_id BIGINT UNSIGNED NOT NULL,
  created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_follows_follower_id_followee_id (follower_id, followee_id),
  KEY ix_follows_follower_id_id (follower_id, id),
  KEY ix_follows_followee_id_id (followee_id, id),
  CONSTRAINT fk_follows_follower FOREIGN KEY (follower_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_follows_followee FOREIGN KEY (followee_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Which migrations a database has had (`flask --app app db history`).
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INT UNSIGNED NOT NULL,
  name        VARCHAR(200) NOT NULL,
  -- SHA-256 of the file: an applied migration that was edited afterwards is refused.
  checksum    CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  applied_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  duration_ms INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- The tables above are the result of these migrations. They are recorded only on a database
-- this file has just made: one that schema.sql made before migrations existed kept its old
-- tables (boards without comment_count), and `flask --app app db upgrade` changes them.
INSERT IGNORE INTO schema_migrations (version, name, checksum)
SELECT version, name, checksum
FROM (
  SELECT 1 AS version, 'users_and_boards' AS name,
         'c0ad26f3337407e1d86b7d1f02df8712d8c6d93e38993d35df1a8422c260f08a' AS checksum
  UNION ALL SELECT 2, 'tokens', '04f9f4f9a5d87522de3861fd47394ea8f7b387db483bf3646dbbac97ab72c183'
  UNION ALL SELECT 3, 'comments', '6647b0c59076a64c56ec8194ab42859e7f55fc4868fc7bdf4ac2c629d65381fb'
  UNION ALL SELECT 4, 'follows', 'fb0fe8fe17d3546887945f583020a95ae56f239773499efc89219b254f5d20d0'
  UNION ALL SELECT 5, 'boards_comment_count', 'ac0b7879c0b33b63d7fb6c53573fd3d8c6d2c3372683760b73acd96f461b1f1c'
  UNION ALL SELECT 6, 'users_counts', 'ba1b2e3dcaca599b8ddb19f1a8892fa00e9113b94c42a1bf611822b17748e33e'
  UNION ALL SELECT 7, 'users_board_count_backfill', 'e708d807bec287d34bd09e15914878986533e5cd78e2322d7bbc9a0329ce7e73'
  UNION ALL SELECT 8, 'boards_count_triggers', 'ccc26a6a0897d217c793795d09f87202ada79b858b847f73cf0be90dbd5e39c4'
  UNION ALL SELECT 9, 'tokens_keyed_by_hash', '019691d99cdf9bf37d89cb57c2e37d7b1dc449b70e5e59f43a077744127742a6'
  UNION ALL SELECT 10, 'updated_at_written_by_oz', 'e796429a3418d4db92df57714b41f1969662f132852b3704b0c214a62c2eb413'
) AS migrations
WHERE NOT EXISTS (SELECT 1 FROM schema_migrations)
  AND EXISTS (SELECT 1 FROM information_schema.COLUMNS
              WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'boards' AND COLUMN_NAME = 'comment_count');
