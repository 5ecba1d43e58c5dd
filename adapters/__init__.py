"""Chat adapters: each turns one platform's events into calls on the core service."""
