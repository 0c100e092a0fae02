-- One token; %(user_id)s NULL (an admin) deletes anyone's, otherwise only the owner's.
DELETE FROM tokens
WHERE id = %(id)s
  AND (%(user_id)s IS NULL OR user_id = %(user_id)s)
