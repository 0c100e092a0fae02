-- Deleting an account, after its commented boards and comments are locked: with its row
-- locked, nobody can follow or unfollow it, or write a board or a comment as it (their
-- foreign-key checks wait), so the counts corrected after this stay right until the DELETE.
SELECT id
FROM users
WHERE id = %(id)s
FOR UPDATE
