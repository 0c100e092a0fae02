-- Run when a user mints a token: their expired tokens go, and of the live ones only the
-- newest %(limit)s stay. The inner SELECT is a derived table with a LIMIT, which MySQL
-- materializes first, so the DELETE may read the table it deletes from.
DELETE FROM tokens
WHERE user_id = %(user_id)s
  AND (expires_at <= %(now)s
       OR id NOT IN (SELECT id
                     FROM (SELECT id
                           FROM tokens
                           WHERE user_id = %(user_id)s AND expires_at > %(now)s
                           ORDER BY created_at DESC, id DESC
                           LIMIT %(limit)s) AS newest))
