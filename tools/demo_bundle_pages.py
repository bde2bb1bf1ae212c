"""Open the bundle pages on throw-away offices, to look at them (screenshots, manual checks).

python tools/demo_bundle_pages.py [send|receive|keys] [--role ROLE]
    [--check] [--import] [--tampered] [--unpinned] [--pin-dialog typo|right|replace]
    [--history] [--tab N] [--import --preparing] [--lang en]

A desa with sample records exports a bundle; a kecamatan pins the desa's key; a kabupaten exists
for the keys page. ``--check`` loads the desa's bundle into Terima Data (and ``--tampered`` a
damaged copy next to it); ``--import`` imports it. ``--unpinned`` leaves the desa unpinned, and
``--pin-dialog`` then opens the pin dialog from Terima Data with a mistyped or the right
fingerprint typed in (``replace``: a mistyped pin exists, and the replace dialog follows).
``--history`` pins, replaces and removes a few offices so the Kunci page has pins and history;
``--tab N`` opens that tab. ``send --role kabupaten``: the desa's bundle goes through a kecamatan
(reviewed and forwarded) to the kabupaten, which reviews a few records, so the page has feedback to
write. Passphrase of every demo office: rahasia-demo-1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from smartcity_desktop.gui.changes import ChangeHub
from smartcity_desktop.gui.errors import Dialogs
from smartcity_desktop.gui.main_window import MainWindow
from smartcity_desktop.gui.shell import Shell
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle
from smartcity_desktop.services.office import init_office, office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office, unpin_office
from smartcity_desktop.storage.paths import DataPaths

PASSPHRASE = "rahasia-demo-1"
CODES = {"desa": "32.16.01.2001", "kecamatan": "32.16.01", "kabupaten": "32.16"}


def _office(root: Path, role: str) -> DataPaths:
    paths = DataPaths(root / role)
    init_office(
        paths, role=role, office_code=CODES[role], operator="Siti Rahma", passphrase=PASSPHRASE
    )
    return paths


def _through_the_chain(root: Path, desa: AppContext, kab: AppContext, files: list[Path]) -> None:
    """The desa's bundle reviewed and forwarded by its kecamatan, imported and partly reviewed at
    the kabupaten."""
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services.exchange import import_files
    from smartcity_desktop.services.exchange.forward import forward_bundle
    from smartcity_desktop.services.records import ListFilter, RecordService
    from smartcity_desktop.services.review import Decision, review_records

    kec = open_context(_office(root, "kecamatan"))
    try:
        pin_office(kec, CODES["desa"], office_fingerprint(desa), "demo")
        import_files(kec, files)
        for kind in RecordKind:
            found = RecordService(kec).records(kind, ListFilter(office_code=CODES["desa"]))
            if found:
                review_records(kec, [r.id for r in found], Decision("diterima"))
        forwarded = forward_bundle(kec, PASSPHRASE, root / "teruskan.scb")
        pin_office(kab, CODES["kecamatan"], office_fingerprint(kec), "demo")
    finally:
        kec.close()
    pin_office(kab, CODES["desa"], office_fingerprint(desa), "demo")
    import_files(kab, list(forwarded.paths))
    problems = RecordService(kab).records(RecordKind.PROBLEM, ListFilter(office_code=CODES["desa"]))
    review_records(
        kab,
        [r.id for r in problems[:3]],
        Decision("perlu_perbaikan", reason="data_belum_lengkap", comment="Foto lokasi belum ada"),
    )


def _typo(fp: str) -> str:
    groups = fp.split("-")
    groups[2] = ("B" if groups[2][0] != "B" else "D") + groups[2][1:]
    return "-".join(groups)


def _history(ctx: AppContext, real: str) -> None:
    """A few pins, one replaced after a typo and one removed, for the pins and history tabs."""
    pin_office(ctx, "32.16.01.2002", _typo(real), "Pak Budi, 0812 3456 7890")
    pin_office(ctx, "32.16.01.2002", real, "ditelepon ulang", replace=True)
    pin_office(ctx, "32.16.01.2003", _typo(_typo(real).replace("A", "C")), "Bu Rina")
    pin_office(ctx, "32.16.01.2004", real.replace("A", "Q"), "")
    unpin_office(ctx, "32.16.01.2004")


def _type_into_dialog(text: str, confirm: bool) -> None:
    """Type into the open pin dialog as an operator would (and press Sematkan when it is right)."""
    from PySide6.QtTest import QTest

    dialog = QApplication.activeModalWidget()
    field = getattr(dialog, "fingerprint", None)
    if field is None:
        return
    QTest.keyClicks(field, text)
    if confirm:
        QTimer.singleShot(200, dialog.accept)  # type: ignore[union-attr]


def _hold_the_preparation() -> None:
    """A first preparation step that waits (until Batalkan, or for a minute)."""
    import time

    from smartcity_desktop.services.analysis import prepare

    def wait(_ctx: AppContext, _tick: object) -> None:
        time.sleep(60)

    prepare.STEPS = (("tunggu", prepare.STEPS[0][1], wait), *prepare.STEPS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="?", default="receive", choices=("send", "receive", "keys"))
    parser.add_argument("--role", choices=tuple(CODES))
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--import", dest="do_import", action="store_true")
    parser.add_argument("--tampered", action="store_true")
    parser.add_argument("--unpinned", action="store_true")
    parser.add_argument("--pin-dialog", choices=("typo", "right", "replace"))
    parser.add_argument("--history", action="store_true")
    parser.add_argument("--tab", type=int)
    parser.add_argument(
        "--abandoned", action="store_true", help="an export interrupted after the first (send)"
    )
    parser.add_argument(
        "--preparing",
        action="store_true",
        help="after --import, the analysis views' preparation stays at its start (to look at it)",
    )
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)
    role = args.role or ("kecamatan" if args.page == "receive" else "desa")

    root = Path(tempfile.mkdtemp(prefix="smartcity-bundle-demo-"))
    desa = open_context(_office(root, "desa"))
    generate(desa, SampleRequest(problems=12, potentials=6, proposals=8, photos=3, seed=3))
    outbox = root / "kiriman"
    outbox.mkdir()
    files = list(export_bundle(desa, PASSPHRASE, outbox).paths)
    generate(desa, SampleRequest(problems=2, potentials=1, proposals=1, seed=9))
    if args.abandoned:  # as if the app died while writing bundle 2: the next start closes it
        from smartcity_desktop.services.exchange import export_journal

        export_journal.reserve(desa, key_id="demo", full=False, counts={}, folder=outbox)
        export_journal.abandon_pending(desa)
    if args.tampered:
        bad = outbox / "rusak.scb"
        data = bytearray(files[0].read_bytes())
        data[len(data) // 2] ^= 0x01
        bad.write_bytes(bytes(data))
        files.append(bad)
    if role == "desa":
        ctx = desa
    else:
        ctx = open_context(_office(root, role))
        real = office_fingerprint(desa)
        if args.pin_dialog == "replace":
            pin_office(ctx, CODES["desa"], _typo(real), "demo")
        elif not (args.unpinned or args.pin_dialog):
            pin_office(ctx, CODES["desa"], real, "demo")
        if args.history:
            _history(ctx, real)
        if role == "kabupaten" and args.page == "send":
            _through_the_chain(root, desa, ctx, files)
        desa.close()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    shell = Shell(ctx, TaskRunner(), ChangeHub(), Dialogs())
    window = MainWindow(shell)
    page = window.show_page(args.page)
    if args.page == "send":
        page.set_folder(outbox)  # type: ignore[attr-defined]
    if args.page == "receive" and (args.check or args.do_import or args.pin_dialog):
        page.check_files(files)  # type: ignore[attr-defined]
        shell.runner.wait()
        app.processEvents()  # deliver the queued result before importing (demo only)
        if args.do_import:
            if args.preparing:
                _hold_the_preparation()
            page.start_import()  # type: ignore[attr-defined]
        if args.pin_dialog:
            typed = _typo(real) if args.pin_dialog == "typo" else real.lower()
            QTimer.singleShot(800, lambda: _type_into_dialog(typed, args.pin_dialog == "replace"))
            QTimer.singleShot(300, page.pin_sender)  # type: ignore[attr-defined]
    if args.tab is not None:
        page.tabs.setCurrentIndex(args.tab)  # type: ignore[attr-defined]
    window.show_for_screen()
    try:
        return app.exec()
    finally:
        shell.runner.wait()
        ctx.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
