"""Content-free, hash-chained, signed audit log in SQLite."""
