-- Sets every user's counts to a COUNT(*) of what they count: for rows written around the
-- service (a test's bulk INSERT), not for the service itself, which keeps them as it writes.
UPDATE users AS u
SET u.board_count = (SELECT COUNT(*) FROM boards AS b WHERE b.user_id = u.id),
    u.follower_count = (SELECT COUNT(*) FROM follows AS f WHERE f.followee_id = u.id),
    u.following_count = (SELECT COUNT(*) FROM follows AS f WHERE f.follower_id = u.id)
