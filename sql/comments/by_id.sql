-- With the board's author, who may delete any comment on their board.
SELECT c.id, c.board_id, c.content, c.user_id, u.name AS author, c.created_at, c.updated_at,
       b.user_id AS board_author_id
FROM comments AS c
JOIN users AS u ON u.id = c.user_id
JOIN boards AS b ON b.id = c.board_id
WHERE c.id = %(id)s
