-- Run with follows/insert.sql when it inserted a row, in the same transaction: the followee
-- gains a follower, the follower a followee. updated_at keeps its value: it versions the
-- account's own fields (its ETag), which a follow does not change.
UPDATE users
SET follower_count = follower_count + (id = %(followee_id)s),
    following_count = following_count + (id = %(follower_id)s)
WHERE id IN (%(follower_id)s, %(followee_id)s)
