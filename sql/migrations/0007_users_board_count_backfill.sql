-- Count the boards written before 0006 added the column. Safe to run again: it sets, not adds.
-- One user's boards are counted on the (user_id, id) index.
UPDATE users AS u
SET u.board_count = (SELECT COUNT(*) FROM boards AS b WHERE b.user_id = u.id);
