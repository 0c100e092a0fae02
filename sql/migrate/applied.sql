SELECT version, name, checksum, applied_at, duration_ms
FROM schema_migrations
ORDER BY version
