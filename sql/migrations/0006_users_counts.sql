-- A profile's counts, kept with each board, follow and unfollow; one statement, so the three
-- columns arrive together or not at all. INSTANT as in 0005.
ALTER TABLE users
  ADD COLUMN board_count INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN follower_count INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN following_count INT UNSIGNED NOT NULL DEFAULT 0,
  ALGORITHM = INSTANT;
