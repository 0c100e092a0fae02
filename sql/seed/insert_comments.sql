INSERT INTO comments (board_id, user_id, content, created_at, updated_at)
VALUES (%(board_id)s, %(user_id)s, %(content)s, %(now)s, %(now)s)
