-- Locks the account's comments before their boards' counts are corrected: a comment that
-- someone deletes meanwhile is then either gone already or waits for this deletion.
SELECT COUNT(*) AS n
FROM comments
WHERE user_id = %(id)s
FOR UPDATE
