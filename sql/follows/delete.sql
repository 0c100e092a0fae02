DELETE FROM follows
WHERE follower_id = %(follower_id)s
  AND followee_id = %(followee_id)s
