-- Keyset page of the people a user follows, most recent follow first: the cursor is the
-- follow's id (follow_id), read from the (follower_id, id) index. Named, because the optimizer
-- takes the unique (follower_id, followee_id) key for the same prefix and then sorts.
SELECT STRAIGHT_JOIN f.id AS follow_id, u.id, u.name, u.email, u.role, u.created_at, u.updated_at
FROM follows AS f FORCE INDEX (ix_follows_follower_id_id)
JOIN users AS u ON u.id = f.followee_id
WHERE f.follower_id = %(user_id)s
  AND (%(before_id)s IS NULL OR f.id < %(before_id)s)
ORDER BY f.id DESC
LIMIT %(limit)s
