-- ON DELETE CASCADE runs no triggers: before an account goes, everyone who followed it loses
-- a followee. Read from the (followee_id, id) index of follows (STRAIGHT_JOIN: the optimizer
-- would rather scan users), one row per follower. updated_at keeps its value (their ETags).
UPDATE follows AS f
STRAIGHT_JOIN users AS u ON u.id = f.follower_id
SET u.following_count = u.following_count - 1
WHERE f.followee_id = %(id)s
