-- Run once on every new connection: timestamps are UTC, and bad values are errors, not warnings.
SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'
