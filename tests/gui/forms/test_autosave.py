"""Autosave: the form is kept as a form draft shortly after each edit, and offered back on reopen."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.gui.forms.autosave import AUTOSAVE_DELAY_MS
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.errors import disk_full

from .conftest import OFFSCREEN_NOISE, EditorFactory

pytestmark = OFFSCREEN_NOISE


def _type_title(editor, qtbot: QtBot, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = editor.rows["title"].widget.focus_target()
    qtbot.keyClicks(edit, text)


def test_typing_writes_a_form_draft_after_the_timer(
    make_editor: EditorFactory, desa_ctx: AppContext, qtbot: QtBot
) -> None:
    assert 1000 <= AUTOSAVE_DELAY_MS <= 3000
    editor = make_editor(RecordKind.PROBLEM)
    records = RecordService(desa_ctx)
    _type_title(editor, qtbot, "Sampah menumpuk di pasar")
    assert editor.autosave.pending()
    assert records.form_draft_keys() == []  # not at every keystroke
    qtbot.waitUntil(lambda: records.form_draft_keys() != [], timeout=AUTOSAVE_DELAY_MS + 2000)
    (key,) = records.form_draft_keys()
    assert key.startswith("problem:new:")
    payload, _saved_at = records.load_form_draft(key)  # type: ignore[misc]
    assert payload["values"]["title"] == "Sampah menumpuk di pasar"
    assert "dicadangkan otomatis" in editor.autosave_label.text()


def test_new_form_is_offered_back_and_restored(
    make_editor: EditorFactory, desa_ctx: AppContext, qtbot: QtBot
) -> None:
    first = make_editor(RecordKind.PROBLEM)
    _type_title(first, qtbot, "Air sumur keruh")
    first.rows["dimension"].widget.combo.setCurrentIndex(
        first.rows["dimension"].widget.combo.findData("living")
    )
    first.autosave.timer.timeout.emit()  # as if two seconds passed
    first.deleteLater()  # a crash: nothing else happens

    second = make_editor(RecordKind.PROBLEM)
    offer = second.stored_form_offer()
    assert offer is not None
    assert second.restore_bar.isVisibleTo(second)
    assert "Pulihkan isian yang belum disimpan dari" in second.restore_text.text()
    assert not second.content.isEnabled()  # typing now would overwrite the stored form
    second.restore_button.click()
    assert second.content.isEnabled()
    assert second.values()["title"] == "Air sumur keruh"
    assert second.values()["dimension"] == "living"
    assert second.has_unsaved_changes()
    assert second.save()
    # saving the record removes the stored form, including the one kept under a "new" key
    assert RecordService(desa_ctx).form_draft_keys() == []


def test_other_kind_is_not_offered(make_editor: EditorFactory, qtbot: QtBot) -> None:
    first = make_editor(RecordKind.PROBLEM)
    _type_title(first, qtbot, "Masalah")
    first.autosave.flush()
    assert make_editor(RecordKind.POTENTIAL).stored_form_offer() is None


def test_existing_record_offer_can_be_dropped(
    make_editor: EditorFactory, desa_ctx: AppContext, qtbot: QtBot
) -> None:
    records = RecordService(desa_ctx)
    record_id = records.create(RecordKind.POTENTIAL, {"title": "Kerajinan bambu"}).ids[0]
    first = make_editor(RecordKind.POTENTIAL, record_id)
    first.set_values({"title": "Kerajinan bambu dan rotan"})
    first.autosave.flush()
    assert records.form_draft_keys() == [f"potential:{record_id}"]

    second = make_editor(RecordKind.POTENTIAL, record_id)
    assert second.stored_form_offer() is not None
    assert second.values()["title"] == "Kerajinan bambu"  # the saved record, until restored
    second.drop_stored_form()
    assert records.form_draft_keys() == []
    assert second.content.isEnabled()
    assert make_editor(RecordKind.POTENTIAL, record_id).stored_form_offer() is None


def test_offer_mentions_a_record_changed_since(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    records = RecordService(desa_ctx)
    values = {
        "title": "Tambak",
        "description": "Tambak bandeng",
        "potential_type": "alam",
        "dimension": "economy",
    }
    record_id = records.create(RecordKind.POTENTIAL, values, finalise=True).ids[0]
    first = make_editor(RecordKind.POTENTIAL, record_id)
    first.set_values({"title": "Tambak udang"})
    first.autosave.flush()
    records.update(RecordKind.POTENTIAL, record_id, {**values, "title": "Tambak bandeng"})
    second = make_editor(RecordKind.POTENTIAL, record_id)
    assert "sekarang revisi 2" in second.restore_text.text()


def test_save_discards_the_form_draft(
    make_editor: EditorFactory, desa_ctx: AppContext, qtbot: QtBot
) -> None:
    editor = make_editor(RecordKind.PROPOSAL)
    _type_title(editor, qtbot, "Aplikasi layanan desa")
    editor.autosave.flush()
    assert RecordService(desa_ctx).form_draft_keys()
    assert editor.save()
    assert RecordService(desa_ctx).form_draft_keys() == []
    assert not editor.autosave.pending()
    editor.set_values({"title": "Aplikasi layanan desa digital"})
    editor.autosave.flush()
    assert RecordService(desa_ctx).form_draft_keys() == [f"proposal:{editor.record.id}"]


def test_reverting_the_edit_removes_the_form_draft(
    make_editor: EditorFactory, desa_ctx: AppContext
) -> None:
    editor = make_editor(RecordKind.PROBLEM)
    editor.set_values({"title": "x"})
    editor.autosave.flush()
    editor.set_values({"title": ""})
    editor.autosave.flush()
    assert RecordService(desa_ctx).form_draft_keys() == []


def test_autosave_failure_is_shown_quietly_and_form_kept(
    make_editor: EditorFactory, desa_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = make_editor(RecordKind.PROBLEM)

    def full(*_args: object) -> None:
        raise disk_full(desa_ctx.paths.database)

    monkeypatch.setattr(editor.service, "save_form_draft", full)
    editor.set_values({"title": "Tetap ada"})
    assert not editor.autosave.flush()
    assert "Penyimpanan sementara gagal" in editor.autosave_label.text()
    assert editor.dialogs.errors == []  # no dialog every two seconds
    assert editor.values()["title"] == "Tetap ada"


def test_read_only_editor_never_autosaves(make_editor: EditorFactory, desa_ctx: AppContext) -> None:
    from smartcity_desktop.services.context import OfficeInfo

    own = desa_ctx.office
    desa_ctx._office = OfficeInfo("32.16.01.2002", "desa", "Lain", "Lain")
    try:
        other = RecordService(desa_ctx).create(RecordKind.PROBLEM, {"title": "Lain"}).ids[0]
    finally:
        desa_ctx._office = own
    editor = make_editor(RecordKind.PROBLEM, other)
    editor.rows["title"].widget.edit.setText("x")
    assert not editor.has_unsaved_changes()
    assert editor.flush_autosave()
    assert RecordService(desa_ctx).form_draft_keys() == []
