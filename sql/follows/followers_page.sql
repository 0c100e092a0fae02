-- Keyset page of the people who follow a user, most recent follow first: the cursor is the
-- follow's id (follow_id), read from the (followee_id, id) index.
SELECT STRAIGHT_JOIN f.id AS follow_id, u.id, u.name, u.email, u.role, u.created_at, u.updated_at
FROM follows AS f
JOIN users AS u ON u.id = f.follower_id
WHERE f.followee_id = %(user_id)s
  AND (%(before_id)s IS NULL OR f.id < %(before_id)s)
ORDER BY f.id DESC
LIMIT %(limit)s
