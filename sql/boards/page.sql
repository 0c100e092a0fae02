-- Keyset page, newest first, with each author's name in the same statement. STRAIGHT_JOIN
-- makes boards drive the join: walking its primary key backwards stops after LIMIT rows.
SELECT STRAIGHT_JOIN b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM boards AS b
JOIN users AS u ON u.id = b.user_id
WHERE (%(before_id)s IS NULL OR b.id < %(before_id)s)
ORDER BY b.id DESC
LIMIT %(limit)s
