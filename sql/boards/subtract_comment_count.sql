-- The first statement of deleting a comment, for the same reasons as add_comment_count.sql.
UPDATE boards
SET comment_count = comment_count - 1
WHERE id = %(id)s
