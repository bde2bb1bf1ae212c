"""Kunci & Kepercayaan: this office's key, its certificate, and whom this office trusts.

Trust is built offline and checked by phone: every screen that installs or issues something shows
the fingerprint that has to be read aloud, in large monospace and as a QR code.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.regions import role_label
from smartcity_desktop.errors import UserError
from smartcity_desktop.gui.bundle_pages.common import (
    CERTIFIED_COLOUR,
    LOCAL_COLOUR,
    LOCAL_FILL,
    monospace_font,
    page_title,
)
from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
from smartcity_desktop.gui.tasks import TaskProgress
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.gui_support import fingerprint_lines, format_count

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell

JSON_FILTER = "*.json"
QR_SIZE = 132


def pinned_message(result: Any) -> str:
    """What the page says after pinning (``result`` is a services.trust.PinResult)."""
    text = _(
        "Kantor {code} dipercaya lokal dengan sidik jari di bawah. Paketnya akan ditandai "
        "'dipercaya lokal' sampai kantor itu bersertifikat."
    ).format(code=result.pin.office_code)
    if result.replaced is not None:
        text += " " + _("Sematan lama ({old}) diganti dan dicatat di riwayat.").format(
            old=result.replaced.fingerprint
        )
    return escape(text)


AUDIT_ACTIONS = {
    "pin.add": N_("disematkan"),
    "pin.renew": N_("disematkan ulang"),
    "pin.replace": N_("sematan diganti"),
    "pin.remove": N_("sematan dihapus"),
}


def audit_row(entry: Any) -> list[str]:
    from smartcity_desktop.services.bundle_views import format_when

    old, new = entry.detail.get("old", ""), entry.detail.get("new", "")
    prints = f"{old} → {new}" if old and new and old != new else (new or old)
    action = AUDIT_ACTIONS.get(entry.action)
    return [
        format_when(entry.at),
        _(action) if action else entry.action,
        entry.subject,
        entry.operator,
        prints,
    ]


def _filter() -> str:
    return _("Berkas kunci SmartCity ({pattern});;Semua berkas (*)").format(pattern=JSON_FILTER)


class KeysPage(QWidget):
    def __init__(
        self, shell: Shell, dialogs: BundleDialogs | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self.dialogs = dialogs or BundleDialogs(shell.dialogs)
        self.busy = False
        office = shell.ctx.office
        self.is_kabupaten = office.role == "kabupaten"

        # --- this office's key ----------------------------------------------------------------
        key_box = QGroupBox(_("Kunci kantor ini"))
        self.fingerprint_label = QLabel("…")
        self.fingerprint_label.setFont(monospace_font(1.6))
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label.setAccessibleName(_("Sidik jari kunci kantor"))
        self.qr_label = QLabel()
        self.qr_label.setFixedSize(QR_SIZE, QR_SIZE)
        self.qr_label.setScaledContents(True)
        self.qr_label.setAccessibleName(_("Kode QR sidik jari kunci kantor"))
        self.key_id_label = QLabel()
        self.cert_label = QLabel(wordWrap=True)
        self.cert_label.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel(
            _(
                "Bacakan sidik jari ini lewat telepon bila kantor lain atau kabupaten memintanya; "
                "kode QR berisi teks yang sama."
            ),
            wordWrap=True,
        )
        hint.setStyleSheet("color: #4d4d4d;")
        text_col = QVBoxLayout()
        text_col.addWidget(QLabel(_("Sidik jari:")))
        text_col.addWidget(self.fingerprint_label)
        text_col.addWidget(self.key_id_label)
        text_col.addWidget(self.cert_label)
        text_col.addWidget(hint)
        text_col.addStretch(1)
        key_row = QHBoxLayout(key_box)
        key_row.addLayout(text_col, 1)
        key_row.addWidget(self.qr_label, 0, Qt.AlignmentFlag.AlignTop)

        # --- actions --------------------------------------------------------------------------
        self.buttons: dict[str, QPushButton] = {}
        actions_box = QGroupBox(_("Tindakan"))
        grid = QGridLayout(actions_box)
        common = [
            ("request", _("Buat permintaan sertifikat…"), self.make_request),
            ("install_cert", _("Pasang sertifikat…"), self.install_certificate),
            ("add_root", _("Pasang kunci induk…"), self.add_root),
            ("pin", _("Percayai kantor (sematkan)…"), self.pin_office),
            ("revocations", _("Pasang daftar pencabutan…"), self.install_revocations),
            ("rotate", _("Ganti kunci…"), self.rotate_key),
        ]
        regency = [
            ("export_root", _("Ekspor kunci induk…"), self.export_root),
            ("certify", _("Sertifikasi permintaan…"), self.certify_request),
            ("revoke", _("Cabut kunci kantor…"), self.revoke_office),
        ]
        for n, (key, text, slot) in enumerate(common):
            grid.addWidget(self._button(key, text, slot), 1 + n % 3, n // 3)
        if self.is_kabupaten:
            grid.addWidget(QLabel(_("Semua kantor:")), 0, 0, 1, 2)
            grid.addWidget(QLabel(_("Khusus kabupaten:")), 0, 2)
            for n, (key, text, slot) in enumerate(regency):
                grid.addWidget(self._button(key, text, slot), 1 + n, 2)
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(self.message, 4, 0, 1, 3)
        grid.setRowStretch(5, 1)

        # --- trust tables ---------------------------------------------------------------------
        self.roots_table = self._table([_("Wilayah"), _("Sidik jari"), _("ID kunci")])
        self.pins_table = self._table(
            [_("Kantor"), _("Peran"), _("Sidik jari"), _("Disematkan"), _("Keterangan")]
        )
        self.pins_table.setAccessibleName(_("Kantor disematkan"))
        self.pins_table.itemSelectionChanged.connect(self._pin_selected)
        self.pin_codes: list[str] = []
        self.unpin_button = QPushButton(_("Hapus sematan terpilih…"))
        self.unpin_button.setEnabled(False)
        self.unpin_button.clicked.connect(self.unpin_office)
        self.buttons["unpin"] = self.unpin_button
        pins_tab = QWidget()
        pins_layout = QVBoxLayout(pins_tab)
        pins_layout.setContentsMargins(0, 0, 0, 0)
        pins_layout.addWidget(self.pins_table, 1)
        pins_buttons = QHBoxLayout()
        pins_buttons.setContentsMargins(6, 0, 6, 6)
        pins_buttons.addWidget(
            QLabel(_("Pilih satu baris untuk menghapus sematannya."), wordWrap=True), 1
        )
        pins_buttons.addWidget(self.unpin_button)
        pins_layout.addLayout(pins_buttons)
        self.audit_table = self._table(
            [_("Waktu"), _("Perubahan"), _("Kantor"), _("Operator"), _("Sidik jari")]
        )
        self.audit_table.setAccessibleName(_("Riwayat perubahan kepercayaan"))
        self.revocations_table = self._table(
            [_("Kabupaten"), _("Versi"), _("Kantor"), _("ID kunci"), _("Berlaku setelah nomor")]
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.roots_table, _("Kunci induk"))
        self.tabs.addTab(pins_tab, _("Kantor disematkan"))
        self.tabs.addTab(self.revocations_table, _("Pencabutan"))
        self.tabs.addTab(self.audit_table, _("Riwayat"))

        top = QHBoxLayout()
        top.addWidget(key_box, 0)  # its natural width; the buttons take the rest
        top.addWidget(actions_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(_("Kunci & Kepercayaan")))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _button(self, key: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self.buttons[key] = button
        return button

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # --- state -------------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.shell.ctx

        def work(_progress: TaskProgress) -> tuple[Any, Any, bytes, list[Any]]:
            from smartcity_desktop.services.bundle_views import key_status, qr_png
            from smartcity_desktop.services.trust import audit_log, trust_summary

            status = key_status(ctx)
            return status, trust_summary(ctx), qr_png(status.fingerprint), audit_log(ctx)

        self.shell.submit(work, self._show, parent=self)

    def _show(self, result: tuple[Any, Any, bytes, list[Any]]) -> None:
        status, summary, png, audit = result
        self.fingerprint = status.fingerprint
        self.fingerprint_label.setText("\n".join(fingerprint_lines(status.fingerprint)))
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.qr_label.setPixmap(pixmap)
        self.key_id_label.setText(_("ID kunci: {id}").format(id=status.key_id))
        if status.certified and not status.expired:
            self.cert_label.setText(
                f"<span style='color:{CERTIFIED_COLOUR}'><b>"
                + _("✔ Bersertifikat")
                + "</b></span> "
                + _("berlaku {start} s.d. {end}").format(
                    start=status.valid_from, end=status.valid_until
                )
            )
        elif status.certified:
            self.cert_label.setText(
                f"<span style='color:{LOCAL_COLOUR}; background:{LOCAL_FILL}'><b>"
                + _("⚠ Sertifikat tidak berlaku")
                + "</b></span> "
                + _("({start} s.d. {end}). Buat permintaan sertifikat baru.").format(
                    start=status.valid_from, end=status.valid_until
                )
            )
        else:
            self.cert_label.setText(
                f"<span style='color:{LOCAL_COLOUR}; background:{LOCAL_FILL}'><b>"
                + _("⚠ Belum bersertifikat")
                + "</b></span> "
                + _(
                    "Kantor penerima hanya menerima paket Anda bila sudah menyematkan sidik jari "
                    "ini. Buat permintaan sertifikat dan kirim ke kabupaten."
                )
            )
        self._fill(
            self.roots_table,
            [[r["regency"], r["fingerprint"], r["key_id"]] for r in summary.roots],
        )
        self.pin_codes = [str(p["office"]) for p in summary.pins]
        self._fill(
            self.pins_table,
            [
                [
                    str(p["office"]),
                    role_label(str(p["role"])),
                    str(p["fingerprint"]),
                    str(p["pinned_at"])[:10],
                    _("tidak berlaku: kantor sudah bersertifikat")
                    if p["superseded"]
                    else str(p["note"]),
                ]
                for p in summary.pins
            ],
        )
        self._pin_selected()
        self._fill(self.audit_table, [audit_row(e) for e in reversed(audit)])
        self._fill(
            self.revocations_table,
            [
                [
                    str(r["regency"]),
                    format_count(int(r["version"])),
                    e["office"],
                    e["key_id"],
                    format_count(int(e["after_sequence"])),
                ]
                for r in summary.revocations
                for e in r["entries"]
            ],
        )
        self.tabs.setTabText(0, _("Kunci induk ({n})").format(n=len(summary.roots)))
        self.tabs.setTabText(1, _("Kantor disematkan ({n})").format(n=len(summary.pins)))
        count = sum(len(r["entries"]) for r in summary.revocations)
        self.tabs.setTabText(2, _("Pencabutan ({n})").format(n=count))
        self.tabs.setTabText(3, _("Riwayat ({n})").format(n=len(audit)))

    def _fill(self, table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        mono = monospace_font()
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if "-" in value and len(value) == 39:  # a fingerprint: easier to read aloud
                    item.setFont(mono)
                table.setItem(r, c, item)

    # --- running actions ---------------------------------------------------------------------

    def _run(self, work: Callable[[], Any], done: Callable[[Any], str], title: str) -> None:
        """Run a trust action off the GUI thread; show its result or its refusal."""
        if self.busy:
            return
        self.busy = True

        def task(_progress: TaskProgress) -> Any:
            return work()

        def succeeded(result: Any) -> None:
            self.busy = False
            self.message.setText(done(result))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self.message.setText("")
            self.dialogs.error(self, exc, title)

        self.shell.submit(task, succeeded, failed, parent=self)

    def _passphrase(self, prompt: str) -> str | None:
        return self.dialogs.passphrase(self, prompt)

    def _start(self) -> Path:
        folder = self.shell.ctx.paths.exports
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _open_json(self, title: str) -> Path | None:
        return self.dialogs.open_file(self, title, self._start(), _filter())

    def _save_json(self, title: str, suggested: Path) -> Path | None:
        return self.dialogs.save_file(self, title, suggested, _filter())

    @staticmethod
    def _fp_html(fp: str) -> str:
        """The fingerprint on lines of its own, to follow a message."""
        lines = "<br>".join(fingerprint_lines(fp))
        return f"<br><span style='font-family:monospace; font-size:13pt'><b>{lines}</b></span>"

    # --- every office ------------------------------------------------------------------------

    def make_request(self) -> None:
        office = self.shell.ctx.office
        out = self._save_json(
            _("Simpan permintaan sertifikat"),
            self._start() / f"permintaan-sertifikat-{office.code}.json",
        )
        if out is None:
            return
        passphrase = self._passphrase(_("Ketik kata sandi kantor untuk menandatangani permintaan."))
        if passphrase is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import write_request

            return write_request(ctx, passphrase, out)

        self._run(
            work,
            lambda _r: _(
                "Permintaan tersimpan di {path}. Kirim berkas itu ke kabupaten, lalu telepon "
                "petugas kabupaten dan bacakan sidik jari kunci di atas."
            ).format(path=escape(str(out))),
            _("Permintaan tidak dapat dibuat"),
        )

    def install_certificate(self) -> None:
        path = self._open_json(_("Pilih berkas sertifikat dari kabupaten"))
        if path is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.bundle_views import format_when
            from smartcity_desktop.services.trust import install_certificate

            cert = install_certificate(ctx, path)
            return format_when(cert.valid_until)

        self._run(
            work,
            lambda until: _(
                "Sertifikat terpasang; berlaku sampai {until}. Paket berikutnya akan bersertifikat."
            ).format(until=until),
            _("Sertifikat tidak dapat dipasang"),
        )

    def add_root(self) -> None:
        path = self._open_json(_("Pilih berkas kunci induk kabupaten"))
        if path is None:
            return
        from smartcity_desktop.services.bundle_views import preview_root

        try:
            preview = preview_root(self.shell.ctx, path)
        except UserError as exc:
            self.dialogs.error(self, exc, _("Kunci induk tidak dapat dibaca"))
            return
        question = _(
            "Kunci induk {code} {name}\nSidik jari:\n{fp}\n\nTelepon kantor kabupaten dan minta "
            "petugasnya membacakan sidik jari kunci induk. Pasang hanya bila semuanya sama persis."
        ).format(
            code=preview.regency_code,
            name=preview.regency_name,
            fp="\n".join(fingerprint_lines(preview.fingerprint)),
        )
        if not self.dialogs.confirm(
            self, _("Pasang kunci induk"), question, _("Sama, pasang"), _("Batal")
        ):
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import add_root

            return add_root(ctx, path)

        self._run(
            work,
            lambda root: (
                _("Kunci induk {code} terpasang. Sidik jari:").format(code=root.regency_code)
                + self._fp_html(root.fingerprint)
            ),
            _("Kunci induk tidak dapat dipasang"),
        )

    def pin_office(self) -> None:
        answer = self.dialogs.pin(self)
        if answer is None:
            return
        code, fp, note = answer
        self.pin_with_confirmation(code, fp, note)

    def pin_with_confirmation(
        self, code: str, fp: str, note: str, bundle: Any = None, replace: bool = False
    ) -> None:
        """Pin; if that would replace another fingerprint, show both and ask, then pin again."""
        if self.busy:
            return
        self.busy = True
        ctx = self.shell.ctx

        def task(_progress: TaskProgress) -> Any:
            from smartcity_desktop.services.trust import pin_office

            return pin_office(ctx, code, fp, note, bundle=bundle, replace=replace)

        def succeeded(result: Any) -> None:
            self.busy = False
            self.message.setText(pinned_message(result) + self._fp_html(result.pin.fingerprint))
            self.refresh()

        def failed(exc: BaseException) -> None:
            from smartcity_desktop.services.trust import PinReplaceRefused

            self.busy = False
            self.message.setText("")
            if isinstance(exc, PinReplaceRefused):
                if self.dialogs.replace_pin(self, code, exc.old.fingerprint, exc.new.fingerprint):
                    self.pin_with_confirmation(code, fp, note, bundle, replace=True)
                return
            self.dialogs.error(self, exc, _("Kantor tidak dapat disematkan"))

        self.shell.submit(task, succeeded, failed, parent=self)

    def _pin_selected(self) -> None:
        rows = {i.row() for i in self.pins_table.selectedItems()}
        self.unpin_button.setEnabled(len(rows) == 1 and not self.busy)

    def unpin_office(self) -> None:
        rows = sorted({i.row() for i in self.pins_table.selectedItems()})
        if len(rows) != 1 or rows[0] >= len(self.pin_codes):
            return
        code = self.pin_codes[rows[0]]
        fp_item = self.pins_table.item(rows[0], 2)
        fp = fp_item.text() if fp_item is not None else ""
        if not self.dialogs.confirm(
            self,
            _("Hapus sematan"),
            _(
                "Sematan kantor {code} dihapus:\n{fp}\n\nPaket dari kantor itu akan ditolak "
                "sampai disematkan lagi atau bersertifikat. Penghapusan dicatat di riwayat. "
                "Lanjutkan?"
            ).format(code=code, fp=fp),
            _("Hapus sematan"),
            _("Batal"),
        ):
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import unpin_office

            return unpin_office(ctx, code)

        self._run(
            work,
            lambda pin: _("Sematan kantor {code} dihapus.").format(code=pin.office_code),
            _("Sematan tidak dapat dihapus"),
        )

    def install_revocations(self) -> None:
        path = self._open_json(_("Pilih daftar pencabutan dari kabupaten"))
        if path is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import install_revocations

            return install_revocations(ctx, path)

        self._run(
            work,
            lambda version: _("Daftar pencabutan versi {v} terpasang.").format(v=version),
            _("Daftar pencabutan tidak dapat dipasang"),
        )

    def rotate_key(self) -> None:
        if not self.dialogs.confirm(
            self,
            _("Ganti kunci"),
            _(
                "Kunci baru dibuat dan kunci lama berhenti dipakai. Paket lama tetap sah. Kunci "
                "baru belum bersertifikat: buat permintaan sertifikat baru, dan kantor yang "
                "menyematkan kunci ini harus menyematkan sidik jari yang baru. Lanjutkan?"
            ),
            _("Ganti kunci"),
            _("Batal"),
        ):
            return
        passphrase = self._passphrase(_("Ketik kata sandi kantor untuk membuat kunci baru."))
        if passphrase is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import rotate_key

            return rotate_key(ctx, passphrase)

        self._run(
            work,
            lambda fp: (
                _("Kunci baru dibuat. Sidik jari baru:")
                + self._fp_html(fp)
                + "<br>"
                + _("Buat permintaan sertifikat untuk kunci ini.")
            ),
            _("Kunci tidak dapat diganti"),
        )

    # --- kabupaten only ----------------------------------------------------------------------

    def export_root(self) -> None:
        office = self.shell.ctx.office
        out = self._save_json(
            _("Simpan kunci induk"), self._start() / f"kunci-induk-{office.code}.json"
        )
        if out is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import export_root

            return export_root(ctx, out)

        self._run(
            work,
            lambda root: (
                _(
                    "Kunci induk tersimpan di {path}. Bagikan berkas itu ke kecamatan dan desa; "
                    "mereka harus mencocokkan sidik jari ini lewat telepon:"
                ).format(path=escape(str(out)))
                + self._fp_html(root.fingerprint)
            ),
            _("Kunci induk tidak dapat diekspor"),
        )

    def certify_request(self) -> None:
        path = self._open_json(_("Pilih berkas permintaan sertifikat"))
        if path is None:
            return
        from smartcity_desktop.services.bundle_views import preview_request

        try:
            preview = preview_request(self.shell.ctx, path)
        except UserError as exc:
            self.dialogs.error(self, exc, _("Permintaan tidak dapat dibaca"))
            return
        days = self.dialogs.certify(self, preview)
        if days is None:
            return
        out = self._save_json(
            _("Simpan sertifikat"), path.parent / f"sertifikat-{preview.office_code}.json"
        )
        if out is None:
            return
        passphrase = self._passphrase(_("Ketik kata sandi kantor untuk memakai kunci induk."))
        if passphrase is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.bundle_views import format_when
            from smartcity_desktop.services.trust import certify_request

            cert = certify_request(ctx, passphrase, path, out, valid_days=days)
            return cert.office_code, format_when(cert.valid_until)

        self._run(
            work,
            lambda r: _(
                "Sertifikat untuk {code} tersimpan di {path}, berlaku sampai {until}. Kirim "
                "berkas itu ke kantor tersebut untuk dipasang."
            ).format(code=r[0], path=escape(str(out)), until=r[1]),
            _("Sertifikat tidak dapat diterbitkan"),
        )

    def revoke_office(self) -> None:
        code = self.dialogs.office_code(
            self, _("Cabut kunci kantor"), _("Kode kantor yang kuncinya dicabut:")
        )
        if code is None:
            return
        if not self.dialogs.confirm(
            self,
            _("Cabut kunci kantor"),
            _(
                "Semua kunci kantor {code} dicabut: yang bersertifikat dan yang pernah mengirim "
                "paket ke sini. Paket yang sudah diterima tetap sah; paket bernomor lebih tinggi "
                "akan ditolak. Lanjutkan?"
            ).format(code=code),
            _("Cabut"),
            _("Batal"),
        ):
            return
        out = self._save_json(
            _("Simpan daftar pencabutan"), self._start() / "daftar-pencabutan.json"
        )
        if out is None:
            return
        passphrase = self._passphrase(_("Ketik kata sandi kantor untuk memakai kunci induk."))
        if passphrase is None:
            return
        ctx = self.shell.ctx

        def work() -> Any:
            from smartcity_desktop.services.trust import revoke_office

            return revoke_office(ctx, passphrase, code, out)

        self._run(
            work,
            lambda version: _(
                "Daftar pencabutan versi {v} tersimpan di {path}. Kirim berkas itu ke semua "
                "kecamatan dan desa untuk dipasang."
            ).format(v=version, path=escape(str(out))),
            _("Kunci tidak dapat dicabut"),
        )
