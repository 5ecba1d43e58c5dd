"""The local terminal channel: the bot a newcomer meets on `make run` without platform tokens."""
