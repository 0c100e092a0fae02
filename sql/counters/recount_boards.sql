-- Sets every board's comment_count to a COUNT(*) of its comments (see recount_users.sql).
UPDATE boards AS b
SET b.comment_count = (SELECT COUNT(*) FROM comments AS c WHERE c.board_id = b.id)
