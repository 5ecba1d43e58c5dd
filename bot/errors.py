"""Errors whose message is meant for the member who caused them."""


class UserError(Exception):
    """Bad input or a refused action: adapters show `str(error)` to the member and change nothing."""


class TryAgain(UserError):
    """A passing fault (the database restarting): nothing was stored, the member may simply retry."""

    def __init__(
        self, message: str = "The bot could not save that just now. Please try again in a moment."
    ) -> None:
        super().__init__(message)


class SetupError(Exception):
    """The installation needs fixing (settings, database, files): the message says what to do.

    Every CLI command ends with this message instead of a traceback.
    """
