"""The one exception type that carries a message meant for the user.

Anything raised as ``UserError`` is shown as it is (already translated) by the GUI and the CLI;
anything else is a programming error and is logged with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal or an environment problem the user can act on. ``str(exc)`` is translated text."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)
