"""Open the review queue or Kelengkapan on throw-away offices with villages' imported sample data.

python tools/demo_review_pages.py [review|completeness] [--role kecamatan|kabupaten] [--lang en]
    [--keep DIR] [--letter] [--late-only]

``--letter`` (Kelengkapan at a kecamatan) writes the reminder letter of the chosen late village
into the office's exports folder, as the "Buat surat pengingat (PDF)…" button does.

``--keep DIR`` builds the offices in DIR once and opens them from there on later runs (quick
screenshots).

Four villages of Kecamatan Tarumajaya write sample records (with photos) and send a bundle to the
kecamatan; the other four never send. The kecamatan reviews part of the first village, verifies a
second one and sets a deadline that has passed, so late villages are marked. With
``--role kabupaten`` the kabupaten receives the same village bundles directly and the kecamatan's
reviews in its forward bundle; a second kecamatan (Babelan) forwards the bundles of its own
villages, which reach the kabupaten only nested in that forward; the kabupaten accepts one
verification and sets a deadline per stage, the first one passed. Passphrase of every demo
office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.completeness import (
    DeadlineStage,
    set_deadline,
    set_stage_deadlines,
)
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.records import ListFilter, RecordService
from smartcity_desktop.services.review import Decision, review_records, verify_village
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from smartcity_desktop.storage.models import Attachment
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"
KECAMATAN, KABUPATEN, BABELAN = "32.16.01", "32.16", "32.16.02"
SENDERS = {  # village code: (problems, potentials, proposals, photos)
    "32.16.01.2001": (14, 6, 9, 4),
    "32.16.01.2002": (6, 3, 4, 1),
    "32.16.01.2003": (9, 4, 5, 0),
    "32.16.01.2005": (4, 2, 3, 0),
}
BABELAN_SENDERS = {  # villages of Kecamatan Babelan, only forwarded to the kabupaten
    "32.16.02.2001": (7, 3, 5),
    "32.16.02.2003": (5, 2, 2),
}


def _office(root: Path, name: str, role: str, code: str) -> AppContext:
    paths = DataPaths(root / name)
    init_office(paths, role=role, office_code=code, operator="Siti Rahma", passphrase=PASSPHRASE)
    return open_context(paths)


def _ids(ctx: AppContext, office: str) -> list[str]:
    service = RecordService(ctx)
    return [
        r.id for kind in RecordKind for r in service.records(kind, ListFilter(office_code=office))
    ]


def build(root: Path, role: str) -> AppContext:
    kec = _office(root, "kecamatan", "kecamatan", KECAMATAN)
    kab = _office(root, role, "kabupaten", KABUPATEN) if role == "kabupaten" else None
    for n, (code, (p, q, u, photos)) in enumerate(SENDERS.items()):
        desa = _office(root, code, "desa", code)
        generate(desa, SampleRequest(problems=p, potentials=q, proposals=u, photos=photos, seed=n))
        outbox = root / "kiriman" / code
        outbox.mkdir(parents=True)
        files = list(export_bundle(desa, PASSPHRASE, outbox).paths)
        for receiver in (kec, kab):
            if receiver is not None:
                pin_office(receiver, code, office_fingerprint(desa), "demo")
        import_files(kec, files)
        desa.close()
    first, second, third = list(SENDERS)[:3]
    done = _ids(kec, first)
    review_records(kec, done[:8], Decision("diterima"))
    review_records(kec, done[8:10], Decision("perlu_perbaikan", reason="foto_belum_ada"))
    review_records(kec, _ids(kec, second), Decision("diterima"))
    verify_village(kec, second, "diterima", comment="Lengkap")
    review_records(kec, _ids(kec, third)[:5], Decision("diterima"))
    set_deadline(kec, dt.date.today() - dt.timedelta(days=3))
    if kab is None:
        return kec
    _forward(root, kec, kab, "tarumajaya")
    verify_village(kab, second, "diterima")
    babelan = _office(root, "babelan", "kecamatan", BABELAN)
    for n, (code, (p, q, u)) in enumerate(BABELAN_SENDERS.items()):
        desa = _office(root, code, "desa", code)
        generate(desa, SampleRequest(problems=p, potentials=q, proposals=u, seed=20 + n))
        outbox = root / "kiriman" / code
        outbox.mkdir(parents=True)
        pin_office(babelan, code, office_fingerprint(desa), "demo")
        pin_office(kab, code, office_fingerprint(desa), "demo")
        import_files(babelan, list(export_bundle(desa, PASSPHRASE, outbox).paths))
        desa.close()
    first_babelan = next(iter(BABELAN_SENDERS))
    review_records(babelan, _ids(babelan, first_babelan), Decision("diterima"))
    verify_village(babelan, first_babelan, "diterima")
    _forward(root, babelan, kab, "babelan")
    today = dt.date.today()
    set_stage_deadlines(
        kab,
        {
            DeadlineStage.TERKIRIM: today - dt.timedelta(days=3),
            DeadlineStage.DIVERIFIKASI_KECAMATAN: today + dt.timedelta(days=10),
            DeadlineStage.DITERIMA_KABUPATEN: today + dt.timedelta(days=24),
        },
    )
    babelan.close()
    kec.close()
    return kab


def _forward(root: Path, kec: AppContext, kab: AppContext, name: str) -> None:
    """The kecamatan's forward bundle (its reviews, its villages' bundles) imported above."""
    from smartcity_desktop.services.exchange.forward import forward_bundle

    pin_office(kab, kec.office.code, office_fingerprint(kec), "demo")
    folder = root / "teruskan" / name
    folder.mkdir(parents=True)
    import_files(kab, list(forward_bundle(kec, PASSPHRASE, folder).paths))


def _show_a_record_with_photos(ctx: AppContext, page: Any) -> None:
    with ctx.db.session() as s:
        with_photos = set(s.scalars(select(Attachment.record_id)))
    entry = next((e for e in page.entries if e.id in with_photos), None)
    if entry is not None:
        page.show_entry(entry)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", default="review", choices=("review", "completeness"))
    parser.add_argument("--role", default="kecamatan", choices=("kecamatan", "kabupaten"))
    parser.add_argument("--lang", default="id")
    parser.add_argument("--keep", type=Path, help="build the offices here and keep them")
    parser.add_argument("--letter", action="store_true", help="write the late village's letter")
    parser.add_argument("--late-only", action="store_true", help="Kelengkapan: late villages only")
    args = parser.parse_args(argv)
    set_language(args.lang)
    root = args.keep or Path(tempfile.mkdtemp(prefix="smartcity-review-demo-"))
    if args.keep is not None and (root / args.role / "ready").exists():
        ctx = open_context(DataPaths(root / args.role))
    else:
        ctx = build(root, args.role)
        (root / args.role / "ready").touch()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page(args.page)
    if args.page == "review":
        page.choose_desa(next(iter(SENDERS)))
        _show_a_record_with_photos(ctx, page)
    else:  # a late village chosen: its reminder can be copied
        page.wait_loaded()
        if args.late_only:
            page.apply_filter_choice("late", True)
        if args.role == "kabupaten":
            page.select(next(iter(BABELAN_SENDERS)))  # Babelan opened too: nested bundles
        late = next((code for code, line in page.lines.items() if line.overdue), None)
        page.select(late)
        if args.letter and late is not None and page.letter_task is not None:
            from smartcity_desktop.gui.report_page import build_reminder_letter, suggested_pdf_path

            target = suggested_pdf_path(ctx, "pengingat", late)
            target.parent.mkdir(parents=True, exist_ok=True)
            build_reminder_letter(page.letter_task, ctx, late, target)
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
