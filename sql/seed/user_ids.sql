-- Every author a seeded board may get.
SELECT id FROM users ORDER BY id
