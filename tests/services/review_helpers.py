"""Real offices for review tests: a village's bundle imported at its kecamatan (and kabupaten)."""

from __future__ import annotations

from pathlib import Path

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services import trust
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import RecordService
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


def forward(kec: AppContext, kab: AppContext, folder: Path) -> None:
    """The kecamatan's forward bundle (its reviews and any village bundles not yet forwarded)
    imported at the kabupaten, pinning the kecamatan once."""
    from smartcity_desktop.services.exchange.forward import forward_bundle

    trust.pin_office(kab, kec.office.code, office_fingerprint(kec))
    folder.mkdir(parents=True, exist_ok=True)
    result = forward_bundle(kec, PASSPHRASE, folder)
    reports = import_files(kab, list(result.paths))
    assert [r.status for r in reports] == ["imported"], [r.findings for r in reports]


def feedback(reviewer: AppContext, desa: AppContext, folder: Path) -> None:
    """The reviewer's feedback bundle for ``desa`` imported there, pinning the reviewer once."""
    from smartcity_desktop.services.exchange.feedback import feedback_bundles

    trust.pin_office(desa, reviewer.office.code, office_fingerprint(reviewer))
    folder.mkdir(parents=True, exist_ok=True)
    result = feedback_bundles(reviewer, PASSPHRASE, folder, desa=[desa.office.code])
    reports = import_files(desa, list(result[desa.office.code].paths))
    assert [r.status for r in reports] == ["imported"], [r.findings for r in reports]


def carry_reviews(source: AppContext, target: AppContext) -> None:
    """``source``'s reviews delivered to ``target`` through the real bundles: the kecamatan's
    forward to its kabupaten, or feedback down to a desa."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="carry-", dir=source.paths.root))
    if target.office.role == "kabupaten":
        forward(source, target, folder)
    else:
        feedback(source, target, folder)
