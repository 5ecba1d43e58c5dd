"""Persistence: tables, the async engine and migrations. Knows nothing of platforms."""
