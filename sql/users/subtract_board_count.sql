-- The first statement of deleting a board, before boards/delete.sql in the same transaction
-- (the author's row first, as in add_board_count.sql).
UPDATE users
SET board_count = board_count - 1,
    updated_at = updated_at
WHERE id = %(id)s
