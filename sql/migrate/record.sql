INSERT INTO schema_migrations (version, name, checksum, applied_at, duration_ms)
VALUES (%(version)s, %(name)s, %(checksum)s, %(applied_at)s, %(duration_ms)s)
