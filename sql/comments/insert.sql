-- Runs in one transaction after boards/add_comment_count.sql, which found and locked the board.
INSERT INTO comments (board_id, user_id, content, created_at, updated_at)
VALUES (%(board_id)s, %(user_id)s, %(content)s, %(now)s, %(now)s)
