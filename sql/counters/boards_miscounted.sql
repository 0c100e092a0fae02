-- Boards whose comment_count differs from a COUNT(*) of their comments: none, if every
-- write keeps it. The test suite runs this after every test.
SELECT id, comment_count, comments
FROM (SELECT b.id, b.comment_count,
             (SELECT COUNT(*) FROM comments AS c WHERE c.board_id = b.id) AS comments
      FROM boards AS b) AS counted
WHERE comment_count <> comments
