-- ON DELETE CASCADE runs no triggers: before an account goes, the boards of other users it
-- commented on lose those comments from their counts (its own boards go with it). Read from
-- the (user_id, board_id) index of comments first (STRAIGHT_JOIN: the optimizer would rather
-- scan boards), then each board by primary key. updated_at keeps its value (the boards' ETags).
UPDATE (SELECT board_id, COUNT(*) AS n
        FROM comments
        WHERE user_id = %(id)s
        GROUP BY board_id) AS c
STRAIGHT_JOIN boards AS b ON b.id = c.board_id
SET b.comment_count = b.comment_count - c.n
WHERE b.user_id <> %(id)s
