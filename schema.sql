-- The oz database: users and their boards (posts).
-- Load it with `mysql -u root -p < schema.sql` or open it in MySQL Workbench and run it.
-- Safe to run again: nothing is dropped or changed once it exists.
-- Works on MySQL 8.0+ and MariaDB 10.6+.

-- utf8mb4 stores every Unicode character, emoji included. The unicode_520 collation is
-- case- and accent-insensitive like the older unicode_ci, but tells emoji apart.
CREATE DATABASE IF NOT EXISTS `oz`
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;

USE `oz`;

CREATE TABLE IF NOT EXISTS users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- Unique under the case-insensitive collation: "Alice" and "alice" are one name.
  name          VARCHAR(100) NOT NULL,
  -- Stored lowercased by the service; compared byte for byte.
  email         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role          ENUM('member', 'admin') NOT NULL DEFAULT 'member',
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_name (name),
  UNIQUE KEY uq_users_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS boards (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    BIGINT UNSIGNED NOT NULL,
  title      VARCHAR(200) NOT NULL,
  -- Up to 20,000 characters of up to 4 bytes each: more than TEXT's 64 KiB.
  content    MEDIUMTEXT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  -- Serves one author's boards newest first (and the foreign key).
  KEY ix_boards_user_id_id (user_id, id),
  CONSTRAINT fk_boards_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
