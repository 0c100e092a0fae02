-- The first statement of writing a comment: it locks the board's row, so the writes to one
-- board's comments queue here in one order, and no row (0 matched) means no such board.
-- updated_at keeps its value: it versions the board's title and content (its ETag).
UPDATE boards
SET comment_count = comment_count + 1
WHERE id = %(id)s
