-- One author's keyset page, newest first, read from the (user_id, id) index.
SELECT STRAIGHT_JOIN b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM boards AS b
JOIN users AS u ON u.id = b.user_id
WHERE b.user_id = %(user_id)s
  AND (%(before_id)s IS NULL OR b.id < %(before_id)s)
ORDER BY b.id DESC
LIMIT %(limit)s
