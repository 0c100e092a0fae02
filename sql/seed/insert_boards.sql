INSERT INTO boards (user_id, title, content, created_at, updated_at)
VALUES (%(user_id)s, %(title)s, %(content)s, %(now)s, %(now)s)
