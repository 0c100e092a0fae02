-- One board's keyset page, oldest first (a conversation reads down), from the (board_id, id)
-- index. STRAIGHT_JOIN makes comments drive the join: the index stops after LIMIT rows.
SELECT STRAIGHT_JOIN c.id, c.board_id, c.content, c.user_id, u.name AS author, c.created_at, c.updated_at
FROM comments AS c
JOIN users AS u ON u.id = c.user_id
WHERE c.board_id = %(board_id)s
  AND (%(after_id)s IS NULL OR c.id > %(after_id)s)
ORDER BY c.id
LIMIT %(limit)s
