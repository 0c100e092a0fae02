SELECT COUNT(*) AS found FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %(database)s
