"""Office settings kept in the database (they travel with the data folder and its backups)."""

from __future__ import annotations

from sqlalchemy import select

from smartcity_desktop.i18n import LANGUAGES
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Setting

# Declared once: key -> default. Screens and reports read only these keys.
DEFAULTS: dict[str, str] = {
    "language": "id",
    "kepala_desa_name": "",
    "office_address": "",
    "list_columns.problem": "",
    "list_columns.potential": "",
    "list_columns.proposal": "",
    "exchange.last_folder": "",  # where the Kirim Data page last wrote a bundle
    # Automatic backups kept: the newest N, none older than D days (0: no age limit).
    "backup.keep_count": "14",
    "backup.keep_days": "60",
}


def get_settings(ctx: AppContext) -> dict[str, str]:
    values = dict(DEFAULTS)
    with ctx.db.session() as session:
        for row in session.scalars(select(Setting)):
            if row.key in DEFAULTS:
                values[row.key] = row.value
    return values


def get_setting(ctx: AppContext, key: str) -> str:
    return get_settings(ctx)[key]


def update_settings(ctx: AppContext, changes: dict[str, str]) -> Change:
    unknown = set(changes) - set(DEFAULTS)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    if "language" in changes and changes["language"] not in LANGUAGES:
        raise ValueError(changes["language"])
    with ctx.db.transaction() as session:
        for key, value in changes.items():
            session.merge(Setting(key=key, value=value.strip()))
    return Change(Action.SETTINGS, details={"keys": sorted(changes)})
