-- The first statement of deleting an account: with its row locked, nobody can follow or
-- unfollow it, or write a comment or a board as it (their foreign-key checks wait), so the
-- counts corrected after this stay right until the DELETE.
SELECT id
FROM users
WHERE id = %(id)s
FOR UPDATE
