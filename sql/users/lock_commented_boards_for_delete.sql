-- The first statement of deleting an account: the boards it commented on, locked before its
-- own row, in the order of a comment's writer (the board's row, then the author's, which the
-- comment's foreign-key check reads): the other order deadlocks with a comment the account
-- writes meanwhile. Only the boards are locked (a subquery's rows are read, not locked).
SELECT id
FROM boards
WHERE id IN (SELECT board_id FROM comments WHERE user_id = %(id)s)
FOR UPDATE
