-- A server-wide named lock, one per database: a second upgrader waits here, then finds the
-- migrations applied. It is held by the connection, so a killed upgrader releases it.
SELECT GET_LOCK(%(name)s, %(timeout)s) AS acquired
