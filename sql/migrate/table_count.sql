-- Whether a database is new: init-db makes a database without tables from schema.sql.
SELECT COUNT(*) AS tables FROM information_schema.TABLES WHERE TABLE_SCHEMA = %(database)s
