"""Errors that are the user's to fix: the CLI prints them as one line each and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what the user asked for (bad flag value, missing folder, refused resume).

    The message is complete and names the file, field or flag at fault; the CLI prints it
    without a traceback.
    """
