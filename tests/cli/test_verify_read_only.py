"""``smartcity verify`` opens the office read-only, without the database layer, and still says
everything it documents: signature and trust, the ledger (already imported, a number reused with
other content) and what importing each row would do. An office on a PostgreSQL server is opened
the full way (the read-only look is at the SQLite file) and says the same, writing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE, copy_office, office_paths
from tests.services.test_records import PROBLEM

# What verify must not load: the database layer, the migrations, the PDF and image libraries, Qt.
# (cryptography is needed: it checks the signature.)
NOT_FOR_VERIFY = ("sqlalchemy", "alembic", "reportlab", "PIL", "pypdf", "PySide6", "shiboken6")

# Runs ``smartcity ARGV`` in a fresh interpreter; the last line lists the heavy packages loaded.
_PROBE = """
import json, sys
from smartcity_desktop.cli.main import main
code = main({argv!r})
sys.stdout.flush()
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))
print()
print(json.dumps({{"code": code, "loaded": loaded}}))
"""


def run_cli(*argv: str) -> tuple[int, list[str], str]:
    """(exit status, heavy packages loaded, output) of ``smartcity ARGV`` as its own process."""
    env = {k: v for k, v in os.environ.items() if k != "SMARTCITY_PASSPHRASE"}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(argv=list(argv), heavy=NOT_FOR_VERIFY)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    lines = result.stdout.rstrip().splitlines()
    assert lines, result.stderr
    probe: dict[str, Any] = json.loads(lines[-1])
    return probe["code"], probe["loaded"], "\n".join(lines[:-1])


def folder_state(paths: DataPaths) -> dict[str, tuple[int, int]]:
    """Every file of the data folder with its size and modification time."""
    return {
        str(p.relative_to(paths.root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(paths.root.rglob("*"))
        if p.is_file()
    }


pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def offices(
    request: pytest.FixtureRequest,
    backend: str,
    office_templates: dict[str, Path],
    tmp_path: Path,
) -> tuple[DataPaths, DataPaths]:
    """A desa with sample records and a kecamatan (on the test's backend) that pinned it."""
    desa = copy_office(office_templates, "desa", tmp_path / "desa")
    kecamatan = office_paths(request, backend, "kecamatan", tmp_path / "kecamatan")
    ctx = open_context(desa)
    try:
        generate(ctx, SampleRequest(problems=3, potentials=2, proposals=2, photos=1))
        fingerprint = office_fingerprint(ctx)
    finally:
        ctx.close()
    ctx = open_context(kecamatan)
    try:
        pin_office(ctx, "32.16.01.2001", fingerprint)
    finally:
        ctx.close()
    return desa, kecamatan


def ledger_entries(ctx: AppContext) -> int:
    from sqlalchemy import func, select

    from smartcity_desktop.storage.models import BundleLedger

    with ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(BundleLedger)) or 0)


def _export(paths: DataPaths, target: Path) -> Path:
    ctx = open_context(paths)
    try:
        export_bundle(ctx, PASSPHRASE, target)
    finally:
        ctx.close()
    return target


def _import(paths: DataPaths, bundle: Path) -> str:
    ctx = open_context(paths)
    try:
        return import_files(ctx, [bundle], receipts=False)[0].status
    finally:
        ctx.close()


def test_verify_loads_no_database_layer_and_leaves_the_folder_as_it_was(
    backend: str, offices: tuple[DataPaths, DataPaths], tmp_path: Path
) -> None:
    desa, kecamatan = offices
    bundle = _export(desa, tmp_path / "desa.scb")
    before = folder_state(kecamatan)
    code, loaded, out = run_cli("--data-dir", str(kecamatan.root), "verify", str(bundle))
    assert code == 0, out
    assert "UTUH DAN DIPERCAYA" in out and "dipercaya lokal" in out
    assert "Baru " in out and "konflik 0" in out  # the rows were planned against this office
    if backend == "sqlite":
        assert loaded == [], f"smartcity verify loaded {loaded}"
        # no migration, backup, cleanup, log line or journal
        assert folder_state(kecamatan) == before
        return
    # On a server the office is opened the full way, and still nothing is imported.
    assert "sqlalchemy" in loaded
    ctx = open_context(kecamatan)
    try:
        assert RecordService(ctx).counts() == {"problem": 0, "potential": 0, "proposal": 0}
        assert ledger_entries(ctx) == 0
    finally:
        ctx.close()


def test_verify_still_reports_the_ledger_and_the_rows(
    backend: str, offices: tuple[DataPaths, DataPaths], tmp_path: Path
) -> None:
    desa, kecamatan = offices
    spare = copy_office({"desa": desa.root}, "desa", tmp_path / "desa-copy")
    first = _export(desa, tmp_path / "first.scb")
    assert _import(kecamatan, first) == "imported"
    # The copy's next bundle has the same number 1 with other content, as if someone else had
    # signed with the same key.
    ctx: AppContext = open_context(spare)
    try:
        RecordService(ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    finally:
        ctx.close()
    forged = _export(spare, tmp_path / "forged.scb")

    def verify(bundle: Path) -> dict[str, Any]:
        code, loaded, out = run_cli(
            "--data-dir", str(kecamatan.root), "verify", str(bundle), "--json"
        )
        assert loaded == [] or backend == "postgresql", f"smartcity verify loaded {loaded}"
        report: dict[str, Any] = json.loads(out)[0]
        assert code == (0 if report["status"] == "verified" else 1)
        return report

    already = verify(first)
    assert already["status"] == "already"
    assert [p["code"] for p in already["problems"]] == ["ledger.already_imported"]
    reused = verify(forged)
    assert reused["status"] == "refused"
    assert [p["code"] for p in reused["problems"]] == ["ledger.sequence_reused"]

    # Rows planned against the stored rows: the desa's next bundle updates what it changed.
    ctx = open_context(desa)
    try:
        service = RecordService(ctx)
        service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "Jalan rusak"}, finalise=True)
    finally:
        ctx.close()
    second = _export(desa, tmp_path / "second.scb")
    planned = verify(second)
    assert planned["status"] == "verified"
    assert planned["actions"]["new"] == 1


def test_the_plain_sql_names_the_models_tables() -> None:
    from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
    from smartcity_desktop.storage import table_names
    from smartcity_desktop.storage.models import table_of

    assert set(table_names.KIND_TABLES) == set(EXCHANGED_KINDS)
    for kind in EXCHANGED_KINDS:
        assert table_names.KIND_TABLES[kind] == table_of(MODELS[kind]).name
