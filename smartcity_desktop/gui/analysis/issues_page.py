"""Isu strategis: problems recurring across villages, as clusters with their figures.

The clusters of the whole area are computed once off the GUI thread (``kept_model``); a filter
change only selects, in memory, which records count (well under the 300 ms of issue 8 on
200,000 problems: benchmarks/README.md). Staff merge clusters and split records out of one; each
decision is stored by the service and can be withdrawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.gui.analysis.cells import format_cell
from smartcity_desktop.gui.analysis.common import AreaFilters, BusyRow, ComputedPage
from smartcity_desktop.gui.analysis.result_table import WrapHeader
from smartcity_desktop.gui.tasks import TaskProgress
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.analysis.result import ColumnType

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell
    from smartcity_desktop.services.changes import Change
    from smartcity_desktop.services.similarity import IssueCluster, IssueModel

KEY_ROLE = Qt.ItemDataRole.UserRole
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = (
    N_("Isu (sub-elemen · urusan · kata kunci bersama)"),
    N_("Desa"),
    N_("Kec."),
    N_("Σ terdampak"),
    N_("Terparah"),
    N_("Rata-rata keparahan"),
    N_("Contoh desa"),
)


def affected_text(affected: dict[str, int]) -> str:
    units = ref_list("satuan_terdampak")
    return "; ".join(
        f"{count:,}".replace(",", ".") + f" {units.label(unit) if unit != '-' else ''}".rstrip()
        for unit, count in sorted(affected.items())
    )


class WrapDelegate(QStyledItemDelegate):
    """Row heights for wrapped text: QTreeView asks a cell's size without its column's width,
    so a long name would stay on one line; this measures it at the width it is drawn in."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = self.tree.header().sectionSize(index.column())
        if index.column() == 0:
            depth, parent = 1, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.tree.indentation() * depth
        measured = QStyleOptionViewItem(option)
        measured.rect = QRect(0, 0, max(width, 1), 10_000)
        return super().sizeHint(measured, index)


class IssueTree(QTreeWidget):
    """The isu list; ``resized`` is called when its width changes (the columns are fitted)."""

    def __init__(self, resized: Callable[[], None]) -> None:
        super().__init__()
        self._resized = resized
        self.setHeader(WrapHeader(self))
        self.setItemDelegate(WrapDelegate(self))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resized()


def ask_label(parent: QWidget, title: str, prompt: str) -> tuple[str, bool]:
    text, ok = QInputDialog.getText(parent, title, prompt)
    return text.strip(), ok


class IssuesPage(ComputedPage):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent)
        self.model: IssueModel | None = None
        self.clusters: list[IssueCluster] = []
        self.ask_label = ask_label  # replaced in tests

        intro = QLabel(
            _(
                "Permasalahan yang berulang di beberapa desa: sub-elemen dan urusan sama, dan "
                "paling sedikit dua kata kunci judul sama (setelah kata umum dibuang). Pilih "
                "beberapa isu lalu Gabungkan, atau pilih catatan dalam satu isu lalu Pisahkan; "
                "keputusan disimpan dan tetap berlaku setelah data desa diperbarui."
            ),
            wordWrap=True,
        )
        self.filters = AreaFilters(shell)
        self.reload_button = QPushButton(_("&Muat ulang"))
        self.reload_button.setAccessibleName(_("Hitung ulang isu strategis"))
        top = QHBoxLayout()
        top.addWidget(self.filters, 1)
        top.addWidget(self.reload_button)
        self.busy = BusyRow(_("Kemajuan perhitungan isu strategis"))
        self.status = QLabel(wordWrap=True)

        self.tree = IssueTree(self.fit_columns)
        self.tree.setAccessibleName(_("Daftar isu strategis"))
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAlternatingRowColors(True)
        # Names wrap onto more lines rather than being cut: a desa list stays readable.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.sectionResized.connect(self._section_resized)

        self.merge_button = QPushButton(_("&Gabungkan isu"))
        self.merge_button.setAccessibleName(_("Gabungkan isu yang dipilih menjadi satu"))
        self.split_button = QPushButton(_("&Pisahkan catatan"))
        self.split_button.setAccessibleName(_("Pisahkan catatan terpilih menjadi isu sendiri"))
        self.undo_button = QPushButton(_("&Batalkan keputusan"))
        self.undo_button.setAccessibleName(_("Batalkan gabung atau pisah isu terpilih"))
        actions = QHBoxLayout()
        for button in (self.merge_button, self.split_button, self.undo_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.lay_out(_("Isu Strategis"), intro, top, self.tree, actions)

        self.filters.changed.connect(self.show_view)
        self.reload_button.clicked.connect(self.reload)
        self.busy.cancel.clicked.connect(self.cancel)
        self.tree.itemSelectionChanged.connect(self._update_actions)
        self.tree.itemExpanded.connect(self.expand)
        self.tree.itemExpanded.connect(lambda _item: self.fit_columns())
        self.merge_button.clicked.connect(self.merge_selected)
        self.split_button.clicked.connect(self.split_selected)
        self.undo_button.clicked.connect(self.undo_selected)
        shell.hub.changed.connect(self._on_change)
        self.reload()

    # --- computing ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the records and form the clusters again (after new data or a decision)."""
        ctx = self.shell.ctx

        def work(progress: TaskProgress) -> IssueModel:
            # The clusters the Analisis page's Isu strategis shows, kept alike: formed again only
            # when the problems or decisions changed, read from the data folder otherwise.
            from smartcity_desktop.services.similarity import kept_model

            def tick(done: int, _total: int) -> None:
                progress.check()
                progress.report(done, 0, _("Membaca permasalahan… {n}").format(n=done))

            return kept_model(ctx, tick)

        self.compute(
            work,
            _("Menghitung isu strategis…"),
            self._loaded_model,
            _("Isu strategis tidak dapat dihitung"),
        )

    def _loaded_model(self, model: IssueModel) -> None:
        self.model = model
        self.show_view()

    def show_view(self) -> None:
        """The clusters as the filters select them: in memory, on the GUI thread."""
        if self.model is None:
            return
        result = self.model.view(self.filters.area())  # type: ignore[arg-type]
        self.clusters = result.clusters
        severity = ref_list("tingkat_keparahan")
        self.tree.clear()
        for cluster in self.clusters:
            mean = format_cell(cluster.mean_severity, ColumnType.FLOAT)
            mark = {"merge": _(" [digabung]"), "split": _(" [dipisah]")}.get(cluster.origin, "")
            top = QTreeWidgetItem(
                [
                    cluster.name + mark,
                    str(len(cluster.desa)),
                    str(len(cluster.kecamatan)),
                    affected_text(cluster.affected),
                    severity.label(cluster.worst_severity) if cluster.worst_severity else "",
                    mean,
                    ", ".join(cluster.examples),
                ]
            )
            top.setData(0, KEY_ROLE, cluster.key)
            top.setToolTip(
                0,
                cluster.reason
                + "\n"
                + _("Kunci isu (untuk gabung/pisah lewat perintah): {key}").format(key=cluster.key),
            )
            top.setToolTip(6, ", ".join(cluster.examples))
            top.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            for column in (1, 2, 5):
                top.setTextAlignment(
                    column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
            self.tree.addTopLevelItem(top)
        self.status.setText(
            _(
                "{n} isu dari {records} permasalahan. Arahkan tetikus ke isu untuk alasannya."
            ).format(n=len(self.clusters), records=result.records)
        )
        self.fit_columns()
        self._update_actions()

    def fit_columns(self) -> None:
        """Numbers as wide as they are; the example villages as wide as their longest list
        while the names keep nearly half of the rest (else two fifths), the isu names the rest,
        wrapping onto more lines where a name is longer."""
        tree = self.tree
        for column in range(1, 6):
            tree.resizeColumnToContents(column)
        numbers = sum(tree.columnWidth(c) for c in range(1, 6))
        room = tree.viewport().width() - numbers - 2
        if room <= 0:
            return
        metrics = tree.fontMetrics()
        pad = 2 * tree.style().pixelMetric(tree.style().PixelMetric.PM_FocusFrameHMargin) + 8
        names = examples = 0
        for n in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(n)
            names = max(names, metrics.horizontalAdvance(item.text(0)) + tree.indentation())
            examples = max(examples, metrics.horizontalAdvance(item.text(6)))
            for c in range(item.childCount() if item.isExpanded() else 0):
                child = item.child(c)
                names = max(
                    names, metrics.horizontalAdvance(child.text(0)) + 2 * tree.indentation()
                )
                examples = max(examples, metrics.horizontalAdvance(child.text(6)))
        names, examples = names + pad, examples + pad
        if names + examples <= room or room - examples >= max(260, room * 9 // 20):
            width = examples  # the names wrap where they must, the village lists stay whole
        else:
            width = max(room * 2 // 5, room - names)
        width = max(width, 120)
        tree.setColumnWidth(6, width)
        tree.setColumnWidth(0, max(room - width, 200))

    def _section_resized(self, *_args: object) -> None:
        # Wrapped rows take their new height when a column's width changes.
        self.tree.doItemsLayout()

    def expand(self, item: QTreeWidgetItem) -> None:
        """Show a cluster's records (its rows are built when first opened)."""
        if item.childCount() or item.parent() is not None or self.model is None:
            return
        cluster = self.cluster_of(item)
        if cluster is None:
            return
        titles = self.model.titles(cluster.record_ids)
        for record_id in cluster.record_ids:
            title, desa = titles[record_id]
            child = QTreeWidgetItem([title, "", "", "", "", "", desa])
            child.setToolTip(0, title)
            child.setData(0, KEY_ROLE, cluster.key)
            child.setData(0, RECORD_ROLE, record_id)
            item.addChild(child)

    # --- decisions ---------------------------------------------------------------------------

    def cluster_of(self, item: QTreeWidgetItem) -> IssueCluster | None:
        key = item.data(0, KEY_ROLE)
        return next((c for c in self.clusters if c.key == key), None)

    def _selection(self) -> tuple[list[str], dict[str, list[str]]]:
        clusters: list[str] = []
        records: dict[str, list[str]] = {}
        for item in self.tree.selectedItems():
            record = item.data(0, RECORD_ROLE)
            if record:
                records.setdefault(item.data(0, KEY_ROLE), []).append(record)
            else:
                clusters.append(item.data(0, KEY_ROLE))
        return clusters, records

    def _update_actions(self) -> None:
        idle = not self.busy.isVisible()
        clusters, records = self._selection()
        self.merge_button.setEnabled(idle and len(clusters) >= 2 and not records)
        self.split_button.setEnabled(idle and len(records) == 1 and not clusters)
        decided = [k for k in clusters if k.startswith(("merge:", "split:"))]
        self.undo_button.setEnabled(idle and len(decided) == 1 and len(clusters) == 1)

    def _run(self, call: object, title: str) -> None:
        try:
            change = call()  # type: ignore[operator]
        except Exception as exc:  # a refusal is shown; nothing was written
            self.shell.dialogs.error(self, exc, title)
            return
        self.shell.hub.publish(change)

    def merge_selected(self) -> None:
        from smartcity_desktop.services.similarity import merge_issues

        clusters, _records = self._selection()
        label, ok = self.ask_label(self, _("Gabungkan isu"), _("Nama isu gabungan (boleh kosong):"))
        if not ok:
            return
        self._run(
            lambda: merge_issues(self.shell.ctx, clusters, label or None),
            _("Isu tidak dapat digabung"),
        )

    def split_selected(self) -> None:
        from smartcity_desktop.services.similarity import split_issue

        _clusters, records = self._selection()
        [(key, ids)] = records.items()
        label, ok = self.ask_label(self, _("Pisahkan catatan"), _("Nama isu baru (boleh kosong):"))
        if not ok:
            return
        self._run(
            lambda: split_issue(self.shell.ctx, key, ids, label or None),
            _("Catatan tidak dapat dipisah"),
        )

    def undo_selected(self) -> None:
        from smartcity_desktop.services.similarity import withdraw_issue_decision

        clusters, _records = self._selection()
        decision = clusters[0].split(":", 1)[1]
        if not self.shell.dialogs.confirm(
            self,
            _("Batalkan keputusan"),
            _("Batalkan keputusan ini? Isu kembali seperti hasil perhitungan."),
            _("Batalkan keputusan"),
            _("Tidak"),
        ):
            return
        self._run(
            lambda: withdraw_issue_decision(self.shell.ctx, decision),
            _("Keputusan tidak dapat dibatalkan"),
        )

    def _on_change(self, change: Change) -> None:
        if change.touches("problem") or change.touches("issue_decision"):
            self.reload()
