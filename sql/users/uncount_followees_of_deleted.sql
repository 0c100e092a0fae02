-- ON DELETE CASCADE runs no triggers: before an account goes, everyone it followed loses a
-- follower. Read from the follower's follows first (STRAIGHT_JOIN); one row per followee (a
-- multi-table UPDATE changes a row once however often it matches). updated_at keeps its
-- value (the accounts' ETags).
UPDATE follows AS f
STRAIGHT_JOIN users AS u ON u.id = f.followee_id
SET u.follower_count = u.follower_count - 1
WHERE f.follower_id = %(id)s
