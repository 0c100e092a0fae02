INSERT INTO follows (follower_id, followee_id, created_at)
VALUES (%(follower_id)s, %(followee_id)s, %(now)s)
