-- Deleting an account, after the boards it commented on are locked: its comments, and the gap
-- after them in the (user_id, board_id) index, so no comment of it is added or deleted between
-- counting them and the DELETE.
SELECT COUNT(*) AS n
FROM comments
WHERE user_id = %(id)s
FOR UPDATE
