-- GET /boards/{id} signed in with a password, in one statement: the caller's sign-in row
-- (users/credentials_by_email.sql's columns, named caller_*) and the board, whose columns
-- are NULL when there is no such board. No row at all: no such email.
SELECT caller.id AS caller_id, caller.name AS caller_name, caller.email AS caller_email,
       caller.role AS caller_role, caller.password_hash AS caller_password_hash,
       caller.created_at AS caller_created_at, caller.updated_at AS caller_updated_at,
       caller.following_count AS caller_following_count,
       b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM users AS caller
LEFT JOIN (boards AS b JOIN users AS u ON u.id = b.user_id) ON b.id = %(id)s
WHERE caller.email = %(email)s
