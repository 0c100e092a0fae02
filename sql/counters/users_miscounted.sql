-- Users whose kept counts differ from a COUNT(*) of what they count: none, if every write
-- keeps them. The test suite runs this after every test.
SELECT id, board_count, follower_count, following_count, boards, followers, following
FROM (SELECT u.id, u.board_count, u.follower_count, u.following_count,
             (SELECT COUNT(*) FROM boards AS b WHERE b.user_id = u.id) AS boards,
             (SELECT COUNT(*) FROM follows AS f WHERE f.followee_id = u.id) AS followers,
             (SELECT COUNT(*) FROM follows AS f WHERE f.follower_id = u.id) AS following
      FROM users AS u) AS counted
WHERE board_count <> boards OR follower_count <> followers OR following_count <> following
