-- Who follows whom, one row per pair. The id orders the lists "most recent follow first":
-- (follower_id, id) serves whom someone follows, (followee_id, id) who follows someone.
-- Nobody follows themself: the follow statement refuses it (MySQL forbids a CHECK on
-- columns of a foreign key with ON DELETE CASCADE).
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
