SELECT b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM boards AS b
JOIN users AS u ON u.id = b.user_id
WHERE b.id = %(id)s
