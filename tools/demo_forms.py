"""Open a record editor on a throw-away office, to look at it (screenshots, manual checks).

python tools/demo_forms.py [problem|potential|proposal] [--errors] [--photos]
    [--final] [--lang en]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.context import open_context
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.paths import DataPaths

SAMPLE = {
    RecordKind.PROBLEM: {
        "title": "Banjir rob merendam tambak di Kampung Pantai Bahagia",
        "description": "Setiap bulan purnama air laut naik dan merendam tambak serta jalan desa.",
        "dimension": "environment",
        "severity": "berat",
    },
    RecordKind.POTENTIAL: {
        "title": "Tambak bandeng dan udang windu",
        "description": "Sekitar 40 ha tambak dikelola kelompok pembudidaya.",
        "potential_type": "alam",
        "dimension": "economy",
    },
    RecordKind.PROPOSAL: {
        "title": "Sistem peringatan dini banjir rob berbasis SMS",
        "description": "Sensor muka air di muara mengirim peringatan ke warga.",
        "dimension": "environment",
        "estimated_cost": 150_000_000,
    },
}


def _pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    doc = canvas.Canvas(str(path))
    doc.drawString(72, 720, "Undangan musyawarah desa")
    doc.save()
    return path


def _photo(path: Path, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", nargs="?", default="problem", choices=[k.value for k in RecordKind])
    parser.add_argument("--errors", action="store_true", help="try to finalise an empty form")
    parser.add_argument("--photos", action="store_true", help="a saved record with attachments")
    parser.add_argument("--final", action="store_true", help="a saved, finalised record")
    parser.add_argument("--scroll", type=int, default=0, help="scroll the form down (pixels)")
    parser.add_argument("--typed-date", help="type this into the first date field, as keystrokes")
    parser.add_argument(
        "--bad-coords", action="store_true", help="type coordinates outside Indonesia"
    )
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    set_language(args.lang)
    kind = RecordKind(args.kind)

    from smartcity_desktop.gui.forms import RecordEditor
    from smartcity_desktop.gui.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="smartcity-forms-demo-"))
    paths = DataPaths(folder / "data")
    init_office(
        paths,
        role="desa",
        office_code="32.16.01.2001",
        operator="Demo",
        passphrase="demo-demo-demo",
    )
    ctx = open_context(paths)
    records = RecordService(ctx)
    if kind is RecordKind.PROPOSAL:
        records.create(RecordKind.PROBLEM, SAMPLE[RecordKind.PROBLEM], finalise=False)
        records.create(RecordKind.POTENTIAL, SAMPLE[RecordKind.POTENTIAL], finalise=False)
    record_id = None
    if args.photos or args.final:
        sample = dict(SAMPLE[kind])
        sample["sub_element"] = {"environment": "proteksi_lingkungan", "economy": "industri"}.get(
            sample["dimension"]
        )
        change = records.create(kind, sample, finalise=args.final)
        record_id = change.ids[0]
        if args.photos:
            service = AttachmentService(ctx)
            for i, colour in enumerate([(30, 120, 200), (200, 160, 40), (60, 160, 90)]):
                service.attach_file(kind, record_id, _photo(folder / f"foto-{i + 1}.jpg", colour))
            # A real PDF under a program's name: shown (and opened) as a PDF.
            service.attach_file(kind, record_id, _pdf(folder / "surat-undangan.pdf.exe"))
    runner = TaskRunner()
    window = QMainWindow()
    editor = RecordEditor(ctx, runner, kind, record_id)
    window.setCentralWidget(editor)
    # The whole screen less a taskbar, as on a village laptop (1366x768, maybe scaled to 150 %).
    available = app.primaryScreen().availableGeometry()
    window.resize(available.width(), available.height() - 38)
    window.show()
    if args.typed_date or args.bad_coords:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        def type_over(widget: object, text: str) -> None:
            QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # type: ignore[call-overload]
            QTest.keyClicks(widget, text)  # type: ignore[call-overload]

        if args.typed_date:
            name = "since_date" if kind is RecordKind.PROBLEM else "start_date"
            type_over(editor.rows[name].widget.focus_target(), args.typed_date)
        if args.bad_coords:
            type_over(editor.rows["latitude"].widget.focus_target(), "48,85")
            type_over(editor.rows["longitude"].widget.focus_target(), "2.35")
    if args.errors:
        editor.finalise()
    if args.scroll:
        editor.scroll.verticalScrollBar().setValue(args.scroll)
    code = app.exec()
    ctx.close()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
