"""Real offices for review tests: a village's bundle imported at its kecamatan (and kabupaten)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.models import Review
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE


def send(sender: AppContext, receiver: AppContext, folder: Path, name: str) -> None:
    """Export everything pending at ``sender`` and import it at ``receiver`` (pinning once)."""
    trust.pin_office(receiver, sender.office.code, office_fingerprint(sender))
    folder.mkdir(parents=True, exist_ok=True)
    result = export_bundle(sender, PASSPHRASE, folder / name)
    reports = import_files(receiver, list(result.paths))
    assert [r.status for r in reports] == ["imported"], [r.findings for r in reports]


def ids(ctx: AppContext, kind: RecordKind, office: str | None = None) -> list[str]:
    from smartcity_desktop.services.records import ListFilter

    return [r.id for r in RecordService(ctx).records(kind, ListFilter(office_code=office))]


def new_office(folder: Path, role: str, code: str) -> DataPaths:
    paths = DataPaths(folder)
    init_office(paths, role=role, office_code=code, operator="Operator Uji", passphrase=PASSPHRASE)
    return paths


def carry_reviews(source: AppContext, target: AppContext) -> None:
    """Copy ``source``'s own reviews into ``target`` as received rows.

    Stands in for the kecamatan's forward bundle (next piece of work): the rows are exactly those
    the source owns, with their revisions and content hashes, marked as received."""
    with source.db.session() as s:
        rows = [
            {c.name: getattr(r, c.name) for c in Review.__table__.columns}
            for r in s.scalars(select(Review).where(Review.office_code == source.office.code))
        ]
    with target.db.transaction() as t:
        for row in rows:
            row.update(trust_level="locally_trusted", sent_revision=None)
            t.merge(Review(**row))
