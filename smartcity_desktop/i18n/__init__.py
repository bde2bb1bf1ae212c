"""One translation mechanism for every layer: GUI, CLI, reports and validation messages.

Source strings are written in Bahasa Indonesia, the product's first language, and wrapped in ``_()``.
English lives in ``resources/i18n/en/*.po`` (gettext PO, editable with any PO tool; one file per area
of the code so that several people can edit translations without conflicts); it is read only when
English is chosen, so Indonesian start-up costs nothing.

The active language is held in a context variable set once by each entry point (``set_language``),
so library code can translate without a global object being passed through every call.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@dataclass(frozen=True)
class Catalog:
    language: str
    messages: dict[str, str] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        if self.language == "id":
            return message
        return self.messages.get(message) or message


_IDENTITY = Catalog("id")
_active: contextvars.ContextVar[Catalog] = contextvars.ContextVar(
    "smartcity_catalog", default=_IDENTITY
)
_loaded: dict[str, Catalog] = {"id": _IDENTITY}


def load_catalog(language: str) -> Catalog:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language not in _loaded:
        _loaded[language] = Catalog(language, read_po_messages(language))
    return _loaded[language]


def read_po_messages(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    from smartcity_desktop.resource_files import resource

    messages: dict[str, str] = {}
    folder = resource("i18n", language)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            catalog = read_po(fh)
        for m in catalog:
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string:
                messages[m.id] = m.string
    return messages


def set_language(language: str) -> None:
    _active.set(load_catalog(language))


def current_language() -> str:
    return _active.get().language


def _(message: str) -> str:
    """Translate an Indonesian source string into the active language."""
    return _active.get().gettext(message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (translate with ``_`` later)."""
    return message
