"""Errors meant for users: the CLI prints their message, never a traceback."""


class UserError(Exception):
    """A problem with the user's input or config; the message says what and where."""
