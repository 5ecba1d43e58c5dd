"""Platform-neutral core of the interview practice bot."""
