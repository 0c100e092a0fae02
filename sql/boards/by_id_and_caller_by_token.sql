-- GET /boards/{id} signed in with a token, in one statement: the token's user
-- (tokens/user_by_token.sql's columns, named caller_*) and the board, whose columns are NULL
-- when there is no such board. No row at all: no such live token.
SELECT caller.id AS caller_id, caller.name AS caller_name,
       caller.email AS caller_email, caller.role AS caller_role,
       caller.created_at AS caller_created_at, caller.updated_at AS caller_updated_at,
       caller.following_count AS caller_following_count,
       b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM tokens AS t
JOIN users AS caller ON caller.id = t.user_id
LEFT JOIN (boards AS b JOIN users AS u ON u.id = b.user_id) ON b.id = %(id)s
WHERE t.token_hash = UNHEX(%(token_hash)s)
  AND t.expires_at > %(now)s
