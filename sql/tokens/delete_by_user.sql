-- Every token of one user: log out everywhere, and what a password change does.
DELETE FROM tokens
WHERE user_id = %(user_id)s
