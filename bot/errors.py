"""The one error type the core raises for problems a user can fix."""


class ClaimBotError(Exception):
    """A problem with input or configuration, told in one clear sentence."""


class DatabaseUnavailableError(ClaimBotError):
    """The database could not be reached or did not answer in time; trying later may work."""
