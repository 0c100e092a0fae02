-- The feed for a reader who follows few people: from their follows, read each followee's
-- board ids from the (user_id, id) index alone, sort those ids and keep LIMIT (a filesort of
-- the followees' board ids before the cursor: few when they are few), then read only those
-- boards by primary key and sort the LIMIT rows again (the outer ORDER BY: a derived table
-- has no order of its own). Slow when the followees wrote many boards: a reader who follows
-- many people gets page_by_boards.sql instead; "The feed" in README.md has the numbers.
SELECT STRAIGHT_JOIN b.id, b.title, b.content, b.user_id, u.name AS author, b.comment_count AS comments,
       b.created_at, b.updated_at
FROM (SELECT STRAIGHT_JOIN p.id
      FROM follows AS f
      JOIN boards AS p ON p.user_id = f.followee_id
      WHERE f.follower_id = %(me)s
        AND (%(before_id)s IS NULL OR p.id < %(before_id)s)
      ORDER BY p.id DESC
      LIMIT %(limit)s) AS page
JOIN boards AS b ON b.id = page.id
JOIN users AS u ON u.id = b.user_id
ORDER BY b.id DESC
