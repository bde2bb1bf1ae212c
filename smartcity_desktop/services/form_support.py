"""Plain helpers for record forms: autosave keys and finding a form left unsaved.

A form draft is kept under ``<kind>:<record id>`` for an existing record and ``<kind>:new:<token>``
for one not yet saved, so a crash while typing a new record can be offered back on the next "new".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.records import RecordService


def form_draft_key(kind: RecordKind, record_id: str | None, token: str) -> str:
    kind = RecordKind(kind)
    return f"{kind.value}:{record_id}" if record_id else f"{kind.value}:new:{token}"


@dataclass(frozen=True)
class StoredForm:
    key: str
    payload: dict[str, Any]
    saved_at: datetime


def stored_form(service: RecordService, key: str) -> StoredForm | None:
    found = service.load_form_draft(key)
    if found is None:
        return None
    return StoredForm(key, found[0], found[1])


def latest_new_form(service: RecordService, kind: RecordKind) -> StoredForm | None:
    """The most recently autosaved form of a new, never saved record of this kind."""
    prefix = f"{RecordKind(kind).value}:new:"
    forms = [
        form
        for key in service.form_draft_keys()
        if key.startswith(prefix) and (form := stored_form(service, key)) is not None
    ]
    return max(forms, key=lambda f: f.saved_at, default=None)
