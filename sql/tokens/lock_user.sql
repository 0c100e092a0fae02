-- Taken first in every transaction that mints a token: mints for one user wait for each
-- other, so the live-token limit holds however many arrive at once.
SELECT id
FROM users
WHERE id = %(user_id)s
FOR UPDATE
