-- A profile by name, through the unique key on users.name: its collation matches names as
-- they are unique (case- and accent-insensitively). The counts are the kept counters, so a
-- profile costs the same for 10 boards or 100,000; followed_by_me is one lookup in the
-- (follower_id, followee_id) unique key.
SELECT u.id, u.name, u.created_at,
       u.board_count AS boards, u.follower_count AS followers, u.following_count AS following,
       EXISTS (SELECT 1 FROM follows AS f
               WHERE f.follower_id = %(me)s AND f.followee_id = u.id) AS followed_by_me
FROM users AS u
WHERE u.name = %(name)s
