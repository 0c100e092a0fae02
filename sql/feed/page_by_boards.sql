-- The feed for a reader who follows many people: walk boards newest first by the primary
-- key and keep those whose author the reader follows (one eq_ref lookup per board in the
-- (follower_id, followee_id) unique key), stopping after LIMIT rows. Fast when the people
-- followed wrote a fair share of all boards; it reads every board back to the end when they
-- wrote none, which is why a reader who follows few people gets page_by_follows.sql instead.
SELECT STRAIGHT_JOIN b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM boards AS b
JOIN follows AS f ON f.follower_id = %(me)s AND f.followee_id = b.user_id
JOIN users AS u ON u.id = b.user_id
WHERE (%(before_id)s IS NULL OR b.id < %(before_id)s)
ORDER BY b.id DESC
LIMIT %(limit)s
