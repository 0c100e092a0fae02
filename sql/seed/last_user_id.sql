-- Seeded users are numbered on from here, so a second seed adds users instead of colliding.
SELECT COALESCE(MAX(id), 0) AS last_id FROM users
