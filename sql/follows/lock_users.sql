-- The first statement of following and unfollowing: both users' rows, locked in id order
-- (so two requests about the same pair, or crossing pairs, queue instead of deadlocking).
-- A missing row means no such user, found before anything is written.
SELECT id, name, email, role, created_at, updated_at
FROM users
WHERE id IN (%(follower_id)s, %(followee_id)s)
ORDER BY id
FOR UPDATE
