-- The first statement of writing a board, before boards/insert.sql in the same transaction.
-- It locks the author's row first: the INSERT's foreign-key check takes a shared lock on that
-- row, and two posts by one author that each held it and then asked for this update would
-- deadlock. No row (0 matched) means the author was deleted meanwhile. updated_at keeps its
-- value: it versions the account's own fields (its ETag).
UPDATE users
SET board_count = board_count + 1,
    updated_at = updated_at
WHERE id = %(id)s
