"""Terima Data: check bundles from the offices below, see what importing would do, import.

Choosing (or dropping) files starts a check off the GUI thread: every bundle is verified and
planned without writing anything (``import_files(dry_run=True)``). Only then can the official
import; each bundle gets its own transaction and a receipt PDF.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.records import import_action_label
from smartcity_desktop.domain.regions import role_label
from smartcity_desktop.gui.bundle_pages.common import (
    CERTIFIED_COLOUR,
    LOCAL_COLOUR,
    LOCAL_FILL,
    REFUSED_COLOUR,
    STATUS_LABELS,
    page_title,
    trust_text,
)
from smartcity_desktop.gui.bundle_pages.dialogs import BundleDialogs
from smartcity_desktop.gui.bundle_pages.models import SORT_ROLE, LedgerModel, OutcomeModel
from smartcity_desktop.gui.errors import error_text
from smartcity_desktop.gui.file_dialogs import downloads_folder
from smartcity_desktop.gui.tasks import Cancelled, TaskHandle, TaskProgress
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.gui_support import format_count

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell


# Refusals that pinning the sender (after a phone check) resolves.
PINNABLE = frozenset({"trust.unknown_office", "trust.pin_mismatch"})


def _names(ctx: Any, codes: set[str]) -> dict[str, str]:
    from smartcity_desktop.services.regions import get_region

    out = {}
    for code in codes:
        region = get_region(ctx, code)
        if region is not None:
            out[code] = region.display_name
    return out


class ReceivePage(QWidget):
    def __init__(
        self, shell: Shell, dialogs: BundleDialogs | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self.dialogs = dialogs or BundleDialogs(shell.dialogs)
        self.handle: TaskHandle | None = None
        self.running = False
        self.files: list[Path] = []
        self.reports: list[Any] = []
        self.imported: list[Any] = []
        self.names: dict[str, str] = {}
        self.notice = ""  # said above the results after pinning a sender
        self.preparing = False  # the analysis views are being prepared after an import
        self.waiting: list[Path] = []  # handed over while a check or import was running
        self.setAcceptDrops(True)

        intro = QLabel(
            _(
                "Pilih paket (.scb) dari kantor di bawah kantor ini, atau seret berkasnya ke "
                "halaman ini. Paket yang dipecah: pilih semua bagiannya sekaligus. Paket diperiksa "
                "dulu; tidak ada yang ditulis sebelum Anda menekan Impor."
            ),
            wordWrap=True,
        )
        self.choose_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton),
            _("Pilih berkas…"),
        )
        self.choose_button.clicked.connect(self.choose_files)
        self.import_button = QPushButton(
            self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton), _("Impor")
        )
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Kemajuan pemeriksaan atau impor"))
        self.progress.hide()
        self.cancel_button = QPushButton(_("Batalkan"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.pin_button = QPushButton(_("Percayai pengirim…"))
        self.pin_button.setToolTip(
            _(
                "Sematkan kunci kantor pengirim setelah mencocokkan sidik jarinya lewat telepon; "
                "paket ini dipakai sebagai pembanding."
            )
        )
        self.pin_button.clicked.connect(self.pin_sender)
        self.pin_button.hide()
        self.receipt_button = QPushButton(_("Buka tanda terima"))
        self.receipt_button.clicked.connect(self.open_receipts)
        self.receipt_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.pin_button)
        buttons.addWidget(self.progress, 10)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.receipt_button)
        buttons.addStretch(1)  # keeps the buttons at their natural size while nothing runs
        # After an import: whether the analysis views were prepared (services/analysis/prepare).
        self.prepare_status = QLabel()
        self.prepare_status.setWordWrap(True)
        self.prepare_status.setAccessibleName(_("Penyiapan tampilan analisis"))
        self.prepare_status.hide()

        self.results = QLabel()
        self.results.setWordWrap(True)
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.results.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.results.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.results.linkActivated.connect(self._open_link)
        self.results.setAccessibleName(_("Hasil pemeriksaan paket"))
        self.results_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.results)
        self._show_results(_("Belum ada berkas dipilih."), html=False)

        self.outcomes = OutcomeModel()
        self.outcome_proxy = QSortFilterProxyModel(self)
        self.outcome_proxy.setSourceModel(self.outcomes)
        self.outcome_proxy.setSortRole(SORT_ROLE)
        self.outcome_view = self._table(self.outcome_proxy, stretch=OutcomeModel.TITLE)
        self.outcome_view.setAccessibleName(_("Rencana impor per catatan"))
        self.ledger = LedgerModel()
        self.ledger_view = self._table(self.ledger, stretch=LedgerModel.RESULT)
        self.ledger_view.setSortingEnabled(False)
        self.ledger_view.setAccessibleName(_("Riwayat paket yang diterima"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.outcome_view, _("Isi paket"))
        self.tabs.addTab(self.ledger_view, _("Riwayat penerimaan"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(page_title(_("Terima Data")))
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.prepare_status)
        layout.addWidget(scroll)
        layout.addWidget(self.tabs, 1)

        self.refresh_ledger()

    def _table(self, model: Any, stretch: int) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setSortingEnabled(True)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return view

    # --- choosing files ----------------------------------------------------------------------

    def choose_files(self) -> None:
        # the folder of the files chosen last, else the one remembered for bundles, else Downloads
        start = self.files[0].parent if self.files else downloads_folder()
        paths = self.dialogs.open_files(self, _("Pilih paket data"), start)
        if paths:
            self.check_files(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.check_files(files)

    def open_given(self, given: list[str]) -> None:
        """Files from outside the page (the command line, a double-click, a second start): a
        path that is no bundle is named at once; the others are checked, nothing is imported."""
        from smartcity_desktop.errors import UserError
        from smartcity_desktop.services.given_files import given_files

        found = given_files(given)
        if found.problems:
            text = "\n\n".join(found.problems)
            if not found.files and self.handle is None:
                self._show_results(f"<span style='color:{REFUSED_COLOUR}'>{escape(text)}</span>")
            # No code of its own: nothing was read from a bundle (docs/bundle-format.md, 10).
            self.dialogs.error(self, UserError(text), _("Berkas tidak dapat dibuka"))
        if not found.files:
            return
        if self.handle is not None:
            self.waiting = found.files  # checked as soon as the running work ends
            return
        self.check_files(found.files)

    def _check_waiting(self) -> None:
        files, self.waiting = self.waiting, []
        if not files:
            return
        if self.handle is None or self.preparing:
            # The preparation started after an import stops for them (``check_files``).
            self.check_files(files)
        else:
            self.waiting = files

    def check_files(self, paths: list[Path]) -> None:
        """Verify and plan the import off the GUI thread; nothing is written. While the analysis
        views are being prepared, new files stop that (the next import prepares them again) and
        are checked when it has stopped."""
        if self.handle is not None:
            if self.preparing:
                self.waiting = list(paths)
                self.cancel()
            return
        if self.files != list(paths):
            self.notice = ""
        self.files = list(paths)
        self.imported = []
        ctx = self.shell.ctx

        def work(progress: TaskProgress) -> tuple[list[Any], dict[str, str]]:
            from smartcity_desktop.services.exchange import import_files

            reports = import_files(ctx, paths, dry_run=True, progress=progress)
            codes = {r.sender_office for r in reports if r.sender_office}
            return reports, _names(ctx, codes)

        self._set_running(True)
        self._show_results(_("Memeriksa {n} berkas…").format(n=len(paths)), html=False)
        handle = self.shell.submit(work, self._checked, self._failed, self._progressed, parent=self)
        # A synchronous runner has already finished (and cleared the state) by now.
        self.handle = handle if self.running else None

    def _checked(self, result: tuple[list[Any], dict[str, str]]) -> None:
        self._set_running(False)
        self.reports, self.names = result
        self.outcomes.set_reports(self.reports)
        self.outcome_view.resizeColumnsToContents()
        self.tabs.setCurrentIndex(0)
        html = self._reports_html(self.reports)
        if self.notice:
            html = (
                f"<span style='color:{CERTIFIED_COLOUR}'>{escape(self.notice)}</span><br><br>"
                + html
            )
        self._show_results(html)
        importable = [r for r in self.reports if r.status in ("dry-run", "verified")]
        self.import_button.setEnabled(bool(importable))
        pinnable = self.pinnable()
        self.pin_button.setVisible(pinnable is not None)
        if pinnable is not None:
            self.pin_button.setText(
                _("Percayai pengirim {code}…").format(code=pinnable.sender_office)
            )
        if importable:
            self.import_button.setFocus()
        elif pinnable is not None:
            self.pin_button.setFocus()

    # --- pinning the sender of a refused bundle ----------------------------------------------

    def pinnable(self) -> Any:
        """The first bundle refused only because its sender is not (or wrongly) pinned."""
        for r in self.reports:
            codes = {f.code for f in r.findings}
            if r.status == "refused" and r.sender_office and codes & PINNABLE and codes <= PINNABLE:
                return r
        return None

    def pin_sender(self) -> None:
        """Read the signer from the bundle at hand, ask for the fingerprint read out by phone,
        compare both in the dialog, pin, and check the files again."""
        report = self.pinnable()
        if report is None or self.handle is not None:
            return
        ctx, files = self.shell.ctx, list(report.files)

        def work(_progress: TaskProgress) -> Any:
            from smartcity_desktop.services.trust import bundle_signer

            return bundle_signer(ctx, files)

        self._set_running(True)
        self.shell.submit(work, self._ask_pin, self._pin_failed, parent=self)

    def _ask_pin(self, signer: Any) -> None:
        self._set_running(False)
        answer = self.dialogs.pin(self, signer.office_code, signer.fingerprint)
        if answer is None:
            self._checked((self.reports, self.names))
            return
        code, fp, note = answer
        self._pin(code, fp, note, signer, replace=False)

    def _pin(self, code: str, fp: str, note: str, signer: Any, replace: bool) -> None:
        ctx = self.shell.ctx

        def work(_progress: TaskProgress) -> Any:
            from smartcity_desktop.services.trust import pin_office

            return pin_office(ctx, code, fp, note, bundle=signer, replace=replace)

        def failed(exc: BaseException) -> None:
            from smartcity_desktop.services.trust import PinReplaceRefused

            self._set_running(False)
            if isinstance(exc, PinReplaceRefused):
                if self.dialogs.replace_pin(self, code, exc.old.fingerprint, exc.new.fingerprint):
                    self._pin(code, fp, note, signer, replace=True)
                else:
                    self._checked((self.reports, self.names))
                return
            self._pin_failed(exc)

        self._set_running(True)
        self.shell.submit(work, self._pinned, failed, parent=self)

    def _pinned(self, result: Any) -> None:
        self._set_running(False)
        text = _(
            "Kantor {code} disematkan dengan sidik jari {fp}; paketnya diperiksa ulang."
        ).format(code=result.pin.office_code, fp=result.pin.fingerprint)
        if result.replaced is not None:
            text += " " + _("Sematan lama ({old}) diganti dan dicatat di riwayat.").format(
                old=result.replaced.fingerprint
            )
        self.notice = text
        self.check_files(self.files)

    def _pin_failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.dialogs.error(self, exc, _("Kantor tidak dapat disematkan"))
        self._checked((self.reports, self.names))

    # --- importing ---------------------------------------------------------------------------

    def start_import(self) -> None:
        if self.handle is not None or not self.files:
            return
        ctx, paths = self.shell.ctx, list(self.files)

        def work(progress: TaskProgress) -> tuple[list[Any], dict[str, str]]:
            from smartcity_desktop.services.exchange import import_files

            reports = import_files(ctx, paths, progress=progress)
            codes = {r.sender_office for r in reports if r.sender_office}
            return reports, _names(ctx, codes)

        self._set_running(True)
        self._show_results(_("Mengimpor…"), html=False)
        handle = self.shell.submit(
            work, self._imported, self._failed, self._progressed, parent=self
        )
        # A synchronous runner has already finished (and cleared the state) by now.
        self.handle = handle if self.running else None

    def _imported(self, result: tuple[list[Any], dict[str, str]]) -> None:
        self._set_running(False)
        self.reports, self.names = result
        self.imported = [r for r in self.reports if r.status == "imported"]
        self.outcomes.set_reports(self.reports)
        self._show_results(self._reports_html(self.reports))
        self.import_button.setEnabled(False)
        self.receipt_button.setVisible(any(r.receipt for r in self.imported))
        if self.imported:
            kinds = frozenset(k for r in self.imported for k in r.kind_actions) | {"attachment"}
            self.shell.hub.publish(
                Change(
                    Action.IMPORTED,
                    frozenset(kinds),
                    details={"bundles": [r.content_hash for r in self.imported]},
                )
            )
        self.refresh_ledger()
        self.tabs.setCurrentIndex(1)
        if self.imported:
            self._prepare_views()

    # --- preparing the analysis views after an import ----------------------------------------

    def _prepare_views(self) -> None:
        """Build what the analysis views read of every record now, in the background, so that
        the analyst's first view after this import does not (an office with analysis views
        only). The import has committed: a cancel or a failure here only leaves that work to the
        first view."""
        from smartcity_desktop.services.analysis.prepare import ANALYSIS_ROLES

        ctx = self.shell.ctx
        if ctx.office.role not in ANALYSIS_ROLES:
            return

        def work(progress: TaskProgress) -> Any:
            from smartcity_desktop.services.analysis.prepare import prepare_reads

            return prepare_reads(ctx, progress.report, progress.cancelled)

        receipts = self.receipt_button.isVisibleTo(self)
        self._set_running(True)
        self.receipt_button.setVisible(receipts)  # the receipts can be opened meanwhile
        self.preparing = True
        self.choose_button.setEnabled(True)  # choosing the next bundles stops the preparation
        self.progress.setFormat(_("Menyiapkan tampilan analisis… %p%"))
        self.prepare_status.setText(_("Menyiapkan tampilan analisis…"))
        self.prepare_status.show()
        handle = self.shell.submit(
            work, self._prepared, self._prepare_failed, self._progressed, parent=self
        )
        self.handle = handle if self.running else None

    def _prepared(self, result: Any) -> None:
        self._end_preparing()
        if result.cancelled:
            self._say_not_prepared()
            return
        self.prepare_status.setText(
            _("Tampilan analisis siap ({seconds:.1f} detik).").format(seconds=result.seconds)
        )

    def _prepare_failed(self, exc: BaseException) -> None:
        self._end_preparing()
        if isinstance(exc, Cancelled):
            self._say_not_prepared()
            return
        self.prepare_status.setText(
            _(
                "Tampilan analisis belum disiapkan ({error}); data yang diimpor tetap tersimpan. "
                "Tampilan analisis pertama akan menyiapkan bacaannya sendiri."
            ).format(error=error_text(exc))
        )
        self.prepare_status.setStyleSheet(f"color:{REFUSED_COLOUR}")

    def _say_not_prepared(self) -> None:
        self.prepare_status.setText(
            _(
                "Penyiapan tampilan analisis dibatalkan; data yang diimpor tetap tersimpan. "
                "Tampilan analisis pertama akan menyiapkan bacaannya sendiri."
            )
        )

    def _end_preparing(self) -> None:
        receipts = self.receipt_button.isVisibleTo(self)
        self.preparing = False
        self._set_running(False)
        self.receipt_button.setVisible(receipts)
        self.progress.setFormat("%p%")

    def cancel(self) -> None:
        if self.preparing:
            self.prepare_status.setText(_("Membatalkan penyiapan tampilan analisis…"))
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * min(done, total) / total))

    def _failed(self, exc: BaseException) -> None:
        self._set_running(False)
        if isinstance(exc, Cancelled):
            self._show_results(_("Dibatalkan; tidak ada yang ditulis."), html=False)
            return
        self._show_results(f"<span style='color:{REFUSED_COLOUR}'>{escape(error_text(exc))}</span>")
        self.dialogs.error(self, exc, _("Paket tidak dapat diperiksa"))

    def _set_running(self, running: bool) -> None:
        self.running = running
        if not running:
            self.handle = None
            if self.waiting:
                # After the caller has shown the finished work's result.
                QTimer.singleShot(0, self, self._check_waiting)
        self.choose_button.setEnabled(not running)
        self.import_button.setEnabled(False)
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if running:
            self.receipt_button.hide()
            self.pin_button.hide()
            self.prepare_status.hide()
            self.prepare_status.setStyleSheet("")

    # --- showing results ---------------------------------------------------------------------

    def _show_results(self, text: str, html: bool = True) -> None:
        self.results.setText(text if html else escape(text))
        # As tall as the text up to about a third of the page; the tables keep the rest.
        width = max(self.results_scroll.viewport().width(), 600)
        wanted = self.results.heightForWidth(width) + 8
        self.results_scroll.setFixedHeight(max(48, min(wanted, 260)))

    def _reports_html(self, reports: list[Any]) -> str:
        blocks = [self._report_html(r) for r in reports]
        return "<br><br>".join(blocks) or escape(_("Tidak ada paket dalam berkas yang dipilih."))

    def _report_html(self, r: Any) -> str:
        ok = r.ok and r.status != "already"
        colour = CERTIFIED_COLOUR if ok else (LOCAL_COLOUR if r.ok else REFUSED_COLOUR)
        mark = "✔" if ok else ("•" if r.ok else "✖")
        status = _(STATUS_LABELS.get(r.status, r.status))
        lines = [
            f"<b>{escape(r.name)}</b> — "
            f"<span style='color:{colour}'><b>{mark} {escape(status)}</b></span>"
        ]
        if r.sender_office:
            name = self.names.get(r.sender_office, "")
            sender = _("Pengirim: {code} {name} ({role}), paket nomor {seq}").format(
                code=r.sender_office,
                name=name,
                role=role_label(r.sender_role),
                seq=r.sequence,
            )
            trust = ""
            if r.trust_level == "locally_trusted":
                trust = (
                    f" · <span style='background:{LOCAL_FILL}; color:{LOCAL_COLOUR}'><b>"
                    f"&nbsp;{escape(trust_text(r.trust_level))}&nbsp;</b></span>"
                )
            elif r.trust_level:
                trust = (
                    f" · <span style='color:{CERTIFIED_COLOUR}'>"
                    f"{escape(trust_text(r.trust_level))}</span>"
                )
            lines.append(escape(sender) + trust)
        if r.ok and r.record_count:
            counts = r.action_counts()
            summary = ", ".join(
                f"{import_action_label(a)} {format_count(n)}" for a, n in counts.items() if n
            )
            lines.append(escape(_("Catatan: {summary}").format(summary=summary)))
            if r.unlisted:
                lines.append(
                    escape(
                        _(
                            "Tabel Isi paket menampilkan {shown} dari {total} catatan (konflik "
                            "lebih dulu); hitungan di atas mencakup semuanya."
                        ).format(
                            shown=format_count(len(r.outcomes)), total=format_count(r.record_count)
                        )
                    )
                )
        if r.missing_sequences:
            lines.append(
                escape(
                    _("Paket yang belum diterima dari kantor ini: nomor {numbers}").format(
                        numbers=", ".join(str(n) for n in r.missing_sequences)
                    )
                )
            )
        for finding in r.findings:
            colour_f = REFUSED_COLOUR if r.status == "refused" else "#4d4d4d"
            lines.append(f"<span style='color:{colour_f}'>– {escape(finding.message)}</span>")
        if r.receipt:
            url = QUrl.fromLocalFile(str(r.receipt)).toString()
            lines.append(f"<a href='{escape(url)}'>{escape(_('Buka tanda terima (PDF)'))}</a>")
        return "<br>".join(lines)

    def _open_link(self, link: str) -> None:
        QDesktopServices.openUrl(QUrl(link))

    def open_receipts(self) -> None:
        receipts = [r.receipt for r in self.imported if r.receipt]
        if len(receipts) == 1:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(receipts[0])))
        elif receipts:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(receipts[0].parent)))

    # --- history -----------------------------------------------------------------------------

    def refresh_ledger(self) -> None:
        ctx = self.shell.ctx

        def work(_progress: TaskProgress) -> tuple[list[dict[str, Any]], dict[str, str]]:
            from smartcity_desktop.services.bundle_views import format_when
            from smartcity_desktop.services.exchange import ledger

            rows = ledger(ctx)
            for row in rows:
                row["imported_text"] = format_when(row["imported_at"])
            return rows, _names(ctx, {r["sender"] for r in rows})

        self.shell.submit(work, self._show_ledger, self._ledger_failed, parent=self)

    def _show_ledger(self, result: tuple[list[dict[str, Any]], dict[str, str]]) -> None:
        rows, names = result
        self.ledger.set_rows(rows, names)
        self.ledger_view.resizeColumnsToContents()
        self.tabs.setTabText(1, _("Riwayat penerimaan ({n})").format(n=format_count(len(rows))))

    def _ledger_failed(self, exc: BaseException) -> None:
        self.tabs.setTabText(1, _("Riwayat penerimaan (gagal dimuat)"))
        self.dialogs.error(self, exc, _("Riwayat tidak dapat dimuat"))

    def can_close(self) -> bool:
        if self.handle is not None:
            self.handle.cancel()
        return True
