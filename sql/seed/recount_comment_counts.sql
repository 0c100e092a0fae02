-- After comments were seeded in bulk: each board from from_id on counts its comments again,
-- so comment_count is exact. updated_at keeps its value (it versions title and content).
UPDATE boards AS b
SET b.comment_count = (SELECT COUNT(*) FROM comments AS c WHERE c.board_id = b.id)
WHERE b.id >= %(from_id)s
