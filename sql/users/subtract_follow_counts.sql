-- Run with follows/delete.sql when it deleted a row, in the same transaction.
UPDATE users
SET follower_count = follower_count - (id = %(followee_id)s),
    following_count = following_count - (id = %(follower_id)s)
WHERE id IN (%(follower_id)s, %(followee_id)s)
