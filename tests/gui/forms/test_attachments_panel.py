"""Attachments in the editor: add (dialog, drag and drop), thumbnails, errors, open, remove."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms import RecordEditor
from smartcity_desktop.gui.tasks import TaskRunner
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.errors import disk_full
from tests.storage.sample_files import pdf_bytes

from .conftest import OFFSCREEN_NOISE, EditorFactory, jpeg_bytes

pytestmark = OFFSCREEN_NOISE

PDF = pdf_bytes()


def _saved_editor(
    make_editor: EditorFactory, kind: RecordKind = RecordKind.PROBLEM
) -> RecordEditor:
    editor = make_editor(kind)
    editor.set_values({"title": "Jalan rusak"})
    assert editor.save()
    return editor


def _blob_files(ctx: AppContext) -> list[Path]:
    root = ctx.paths.attachments
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_add_photo_shows_thumbnail(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path
) -> None:
    editor = _saved_editor(make_editor)
    panel = editor.attachments
    changes: list[Change] = []
    editor.attachments_changed.connect(changes.append)
    editor.dialogs.files = [photo]
    panel.add_button.click()
    assert panel.error_text() == ""
    assert panel.list.count() == 1
    item = panel.list.item(0)
    assert "foto-jalan.jpg" in item.text()
    icon_size = item.icon().availableSizes()
    assert icon_size and max(icon_size[0].width(), icon_size[0].height()) <= 112
    assert changes and changes[0].action is Action.ATTACHED
    assert not panel.busy_box.isVisibleTo(panel)
    assert len(AttachmentService(desa_ctx).for_record(editor.record.id)) == 1


def test_pdf_gets_a_document_icon(make_editor: EditorFactory, tmp_path: Path) -> None:
    editor = _saved_editor(make_editor, RecordKind.PROPOSAL)
    pdf = tmp_path / "rab.pdf"
    pdf.write_bytes(PDF)
    editor.attachments.add_files([pdf])
    assert editor.attachments.list.count() == 1
    info = editor.attachments.infos()[0]
    assert info.media_type == "application/pdf"
    assert not editor.attachments.list.item(0).icon().isNull()


def test_corrupt_photo_is_refused_with_a_message(
    make_editor: EditorFactory, desa_ctx: AppContext, tmp_path: Path
) -> None:
    editor = _saved_editor(make_editor)
    broken = tmp_path / "rusak.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 100)
    editor.attachments.add_files([broken])
    assert "rusak" in editor.attachments.error_text()
    assert "rusak.jpg" in editor.attachments.error_text()
    assert editor.attachments.list.count() == 0
    assert _blob_files(desa_ctx) == []


def test_not_a_photo_or_pdf(make_editor: EditorFactory, tmp_path: Path) -> None:
    editor = _saved_editor(make_editor)
    doc = tmp_path / "catatan.docx"
    doc.write_bytes(b"PK\x03\x04 not a photo")
    editor.attachments.add_files([doc])
    assert "bukan foto" in editor.attachments.error_text()


def test_oversized_file_is_refused_quickly(
    make_editor: EditorFactory, desa_ctx: AppContext, tmp_path: Path
) -> None:
    editor = _saved_editor(make_editor)
    huge = tmp_path / "foto-200mb.jpg"
    with huge.open("wb") as fh:
        fh.write(jpeg_bytes()[:16])
        fh.truncate(200 * 1024 * 1024)  # sparse: instant, takes no disk space
    editor.attachments.add_files([huge])
    assert "terlalu besar" in editor.attachments.error_text()
    assert editor.attachments.list.count() == 0
    assert _blob_files(desa_ctx) == []


def test_file_deleted_between_choosing_and_attaching(
    make_editor: EditorFactory, photo: Path
) -> None:
    editor = _saved_editor(make_editor)
    editor.dialogs.files = [photo]
    photo.unlink()  # moved away after the file dialog closed
    editor.attachments.choose_and_add()
    assert "tidak ditemukan lagi" in editor.attachments.error_text()
    assert editor.attachments.list.count() == 0


def test_several_files_good_ones_attached_errors_listed(
    make_editor: EditorFactory, photo: Path, tmp_path: Path
) -> None:
    editor = _saved_editor(make_editor)
    bad = tmp_path / "bukan.txt"
    bad.write_text("halo")
    second = tmp_path / "kedua.png"
    from PIL import Image

    Image.new("RGB", (50, 40), (200, 10, 10)).save(second)
    editor.attachments.add_files([photo, bad, second])
    assert editor.attachments.list.count() == 2
    assert "bukan.txt" in editor.attachments.error_text()


def test_drag_and_drop_adds_files(make_editor: EditorFactory, photo: Path, qtbot: QtBot) -> None:
    editor = _saved_editor(make_editor)
    panel = editor.attachments
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    enter = QDragEnterEvent(
        QPoint(10, 10),  # Qt's signature takes a QPoint here (QPointF for the drop)
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, drop)
    assert drop.isAccepted()
    assert panel.list.count() == 1


def test_drop_of_non_files_is_ignored(make_editor: EditorFactory) -> None:
    editor = _saved_editor(make_editor)
    mime = QMimeData()
    mime.setText("bukan berkas")
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(editor.attachments, enter)
    assert not enter.isAccepted()


def test_new_record_is_saved_as_draft_before_attaching(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path
) -> None:
    editor = make_editor(RecordKind.POTENTIAL)
    assert "Simpan dulu untuk menambah lampiran" in editor.attachments.hint.text()
    editor.set_values({"title": "Wisata mangrove"})
    editor.attachments.add_files([photo])
    assert editor.record is not None and editor.record.revision == 0
    assert editor.attachments.list.count() == 1
    assert RecordService(desa_ctx).get(RecordKind.POTENTIAL, editor.record.id).title == (
        "Wisata mangrove"
    )


def test_new_record_that_cannot_be_saved_gets_no_attachment(
    make_editor: EditorFactory, photo: Path
) -> None:
    editor = make_editor(RecordKind.POTENTIAL)
    editor.set_values({"title": "x" * 300})
    editor.attachments.add_files([photo])
    assert editor.record is None
    assert "belum dapat disimpan" in editor.attachments.error_text()
    assert "terlalu panjang" in editor.field_message("title")


def test_open_hands_over_a_copy_named_by_hash_and_type(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path
) -> None:
    editor = _saved_editor(make_editor)
    editor.attachments.add_files([photo])
    editor.attachments.list.item(0).setSelected(True)
    editor.attachments.open_button.click()
    (url,) = editor.opened
    opened = Path(url.toLocalFile())
    info = editor.attachments.infos()[0]
    assert opened == desa_ctx.paths.opened_copies / f"{info.sha256}.jpg"
    assert opened.read_bytes()[:3] == b"\xff\xd8\xff"


def test_a_pdf_named_like_a_program_opens_as_a_pdf(
    make_editor: EditorFactory, tmp_path: Path
) -> None:
    editor = _saved_editor(make_editor)
    disguised = tmp_path / "surat-undangan.pdf.exe"
    disguised.write_bytes(PDF)
    editor.attachments.add_files([disguised])
    item = editor.attachments.list.item(0)
    assert item.text().startswith("surat-undangan.pdf\n")
    editor.attachments._open_item(item)
    (url,) = editor.opened
    opened = Path(url.toLocalFile())
    assert opened.name == f"{editor.attachments.infos()[0].sha256}.pdf"
    assert opened.read_bytes() == PDF


def test_a_file_that_is_not_its_type_is_not_opened(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path
) -> None:
    editor = _saved_editor(make_editor)
    editor.attachments.add_files([photo])
    info = editor.attachments.infos()[0]
    # An attachment imported before files were checked: a program under a photo's row.
    program = desa_ctx.paths.attachments / info.sha256[:2] / info.sha256
    program.chmod(0o644)
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    editor.attachments.open_attachment(info)
    assert editor.opened == []
    assert "program Windows (EXE)" in editor.attachments.error_text()


def test_remove_asks_first(make_editor: EditorFactory, desa_ctx: AppContext, photo: Path) -> None:
    editor = _saved_editor(make_editor)
    editor.attachments.add_files([photo])
    info = editor.attachments.infos()[0]
    editor.dialogs.confirm_answer = False
    assert not editor.attachments.remove(info)
    assert editor.attachments.list.count() == 1
    editor.dialogs.confirm_answer = True
    assert editor.attachments.remove(info)
    assert editor.attachments.list.count() == 0
    assert AttachmentService(desa_ctx).for_record(editor.record.id) == []


def test_disk_full_while_attaching_leaves_nothing(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    editor = _saved_editor(make_editor)

    def full(*_args: object) -> None:
        raise disk_full(desa_ctx.paths.attachments)

    monkeypatch.setattr(editor.attachments.service, "attach_prepared", full)
    editor.attachments.add_files([photo])
    assert "Penyimpanan penuh" in editor.attachments.error_text()
    assert editor.attachments.list.count() == 0


def test_read_only_record_cannot_get_attachments(
    make_editor: EditorFactory, desa_ctx: AppContext, photo: Path
) -> None:
    from smartcity_desktop.services.context import OfficeInfo

    own = desa_ctx.office
    desa_ctx._office = OfficeInfo("32.16.01.2002", "desa", "Lain", "Lain")
    try:
        other = RecordService(desa_ctx).create(RecordKind.PROBLEM, {"title": "Lain"}).ids[0]
    finally:
        desa_ctx._office = own
    editor = make_editor(RecordKind.PROBLEM, other)
    editor.attachments.add_files([photo])
    assert editor.attachments.list.count() == 0
    assert not editor.attachments.acceptDrops()


def test_photo_is_prepared_off_the_gui_thread(
    desa_ctx: AppContext, qtbot: QtBot, photo: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    editor = RecordEditor(desa_ctx, runner, RecordKind.PROBLEM, None)
    qtbot.addWidget(editor)
    editor.set_values({"title": "Banjir"})
    assert editor.save()
    threads: list[threading.Thread] = []
    original = editor.attachments.service.prepare

    def spy(path: Path):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return original(path)

    monkeypatch.setattr(editor.attachments.service, "prepare", spy)
    editor.attachments.add_files([photo])
    assert editor.attachments.is_busy()
    qtbot.waitUntil(lambda: editor.attachments.list.count() == 1, timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert not editor.attachments.is_busy()
    runner.wait()
