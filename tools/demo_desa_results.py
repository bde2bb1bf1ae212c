"""Open a desa's record list or form after its kecamatan's reviews came back (Hasil verifikasi).

python tools/demo_desa_results.py [list|form|kecamatan] [--lang en] [--keep DIR]

Desa Sagara Makmur writes sample records and sends them to Kecamatan Tarumajaya, which accepts
some, returns some for repair (no photo of the location) and rejects one. The reviews are copied
to the desa as received rows, as a feedback bundle brings them. The desa then revises one returned
record (not sent yet) and another that it sends again. ``form`` opens a returned record;
``kecamatan`` opens the kecamatan's Permasalahan list (no "Baru" there). ``--keep DIR`` builds the
offices once in DIR. Passphrase of every demo office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import Decision, review_records
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.models import Review
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"
DESA, KECAMATAN = "32.16.01.2001", "32.16.01"


def _office(root: Path, name: str, role: str, code: str) -> AppContext:
    paths = DataPaths(root / name)
    init_office(paths, role=role, office_code=code, operator="Siti Rahma", passphrase=PASSPHRASE)
    return open_context(paths)


def _send(desa: AppContext, kec: AppContext, outbox: Path) -> None:
    outbox.mkdir(parents=True)
    import_files(kec, list(export_bundle(desa, PASSPHRASE, outbox).paths))


def _carry_reviews(source: AppContext, target: AppContext) -> None:
    """The kecamatan's reviews as received rows (what its feedback bundle brings)."""
    with source.db.session() as s:
        rows = [
            {c.name: getattr(r, c.name) for c in Review.__table__.columns}
            for r in s.scalars(select(Review).where(Review.office_code == source.office.code))
        ]
    with target.db.transaction() as t:
        for row in rows:
            row.update(trust_level="locally_trusted", sent_revision=None)
            t.merge(Review(**row))


def _revise(ctx: AppContext, record_id: str) -> None:
    service = RecordService(ctx)
    record = service.get(RecordKind.PROBLEM, record_id)
    text = (record.values.get("description") or "") + " Foto lokasi sudah dilampirkan."
    service.update(RecordKind.PROBLEM, record_id, {**record.values, "description": text})


def build(root: Path) -> tuple[AppContext, AppContext, str]:
    desa = _office(root, "desa", "desa", DESA)
    kec = _office(root, "kecamatan", "kecamatan", KECAMATAN)
    pin_office(kec, DESA, office_fingerprint(desa), "demo")
    generate(desa, SampleRequest(problems=14, potentials=5, proposals=6, photos=0, seed=11))
    _send(desa, kec, root / "kiriman-1")
    problems = [
        r.id for r in RecordService(desa).records(RecordKind.PROBLEM, ListFilter(status="final"))
    ]
    review_records(kec, problems[:4], Decision("diterima"))
    review_records(
        kec,
        problems[4:8],
        Decision("perlu_perbaikan", reason="foto_belum_ada", comment="Mohon foto jalan rusak"),
    )
    review_records(kec, problems[8:9], Decision("ditolak", reason="data_belum_lengkap"))
    _carry_reviews(kec, desa)
    _revise(desa, problems[5])
    _send(desa, kec, root / "kiriman-2")
    _revise(desa, problems[6])
    return desa, kec, problems[4]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("view", nargs="?", default="list", choices=("list", "form", "kecamatan"))
    parser.add_argument("--lang", default="id")
    parser.add_argument("--keep", type=Path, help="build the offices here and keep them")
    args = parser.parse_args(argv)
    set_language(args.lang)
    root = args.keep or Path(tempfile.mkdtemp(prefix="smartcity-desa-results-"))
    marker = root / "returned-record"
    if args.keep is not None and marker.exists():
        desa = open_context(DataPaths(root / "desa"))
        kec = open_context(DataPaths(root / "kecamatan"))
        returned = marker.read_text()
    else:
        desa, kec, returned = build(root)
        marker.write_text(returned)

    ctx = kec if args.view == "kecamatan" else desa
    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page("problem")
    if args.view == "form":
        page.open_record(returned)  # type: ignore[attr-defined]
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        desa.close()
        kec.close()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
