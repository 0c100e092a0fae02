-- Count the boards written before 0006 added the column. Safe to run again: it sets, not adds.
-- updated_at is kept as it was: a count is not an edit of the account (nor of its ETag).
UPDATE users AS u
SET u.board_count = (SELECT COUNT(*) FROM boards AS b WHERE b.user_id = u.id),
    u.updated_at = u.updated_at;
