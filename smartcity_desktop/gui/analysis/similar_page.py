"""Data serupa: records of the same kind from different villages that may be one record.

Each group shows why its records match (same sub-element, shared key words). The operator
decides: "Gabungkan ke…" merges the group's other records into the chosen one, as *digabung*
reviews through the review service. Groups are computed off the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from smartcity_desktop.domain.fields import kind_label
from smartcity_desktop.gui.analysis.common import AreaFilters, BusyRow, ComputedPage
from smartcity_desktop.gui.tasks import TaskProgress
from smartcity_desktop.i18n import _

if TYPE_CHECKING:
    from smartcity_desktop.gui.shell import Shell
    from smartcity_desktop.services.changes import Change
    from smartcity_desktop.services.similarity import SimilarGroup

GROUP_ROLE = Qt.ItemDataRole.UserRole
MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1
KINDS = ("problem", "potential", "proposal")


class MergeDialog(QDialog):
    """Choose the record the others are merged into, and an optional comment."""

    def __init__(self, parent: QWidget, group: SimilarGroup, preferred: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Gabungkan catatan serupa"))
        intro = QLabel(
            _(
                "Pilih catatan yang dipertahankan. Catatan lain dalam kelompok ini diberi reviu "
                "'digabung' ke catatan itu dengan alasan 'Duplikat'; catatan desa tidak diubah."
            ),
            wordWrap=True,
        )
        self.choices = QListWidget()
        self.choices.setAccessibleName(_("Catatan tujuan penggabungan"))
        for member in group.members:
            item = QListWidgetItem(f"{member.title} — {member.desa_name}")
            item.setData(MEMBER_ROLE, member.id)
            self.choices.addItem(item)
            if member.id == preferred:
                self.choices.setCurrentItem(item)
        if self.choices.currentRow() < 0:
            self.choices.setCurrentRow(0)
        label = QLabel(_("&Catatan tujuan:"))
        label.setBuddy(self.choices)
        self.comment = QLineEdit()
        self.comment.setAccessibleName(_("Catatan reviu"))
        comment_label = QLabel(_("C&atatan (boleh kosong):"))
        comment_label.setBuddy(self.comment)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(_("Gabungkan"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(_("Batal"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(self.choices)
        layout.addWidget(comment_label)
        layout.addWidget(self.comment)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def target(self) -> str:
        item = self.choices.currentItem()
        return str(item.data(MEMBER_ROLE))


def ask_merge(parent: QWidget, group: SimilarGroup, preferred: str | None) -> tuple[str, str]:
    """The operator's choice of target and comment; ('', '') when cancelled."""
    dialog = MergeDialog(parent, group, preferred)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return "", ""
    return dialog.target(), dialog.comment.text().strip()


class SimilarPage(ComputedPage):
    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(shell, parent)
        self.groups: list[SimilarGroup] = []
        # Replaced in tests; the real one opens MergeDialog.
        self.ask_merge = ask_merge

        intro = QLabel(
            _(
                "Catatan sejenis dari desa yang berbeda dengan sub-elemen yang sama dan kata kunci "
                "yang sama (setelah kata umum dibuang). Setiap kelompok menyebut alasannya; Anda "
                "yang memutuskan apakah catatan itu digabung."
            ),
            wordWrap=True,
        )
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Jenis catatan"))
        for kind in KINDS:
            self.kind.addItem(kind_label(kind), kind)
        kind_caption = QLabel(_("&Jenis:"))
        kind_caption.setBuddy(self.kind)
        self.filters = AreaFilters(shell)
        self.reload_button = QPushButton(_("&Muat ulang"))
        self.reload_button.setAccessibleName(_("Hitung ulang data serupa"))
        top = QHBoxLayout()
        top.addWidget(kind_caption)
        top.addWidget(self.kind)
        top.addWidget(self.filters, 1)
        top.addWidget(self.reload_button)

        self.busy = BusyRow(_("Kemajuan pencarian data serupa"))
        self.status = QLabel(wordWrap=True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(_("Kelompok data serupa"))
        self.tree.setHeaderLabels([_("Kelompok / catatan"), _("Desa asal"), _("Kecamatan")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 620)
        self.tree.setColumnWidth(1, 200)
        self.merge_button = QPushButton(_("&Gabungkan ke…"))
        self.merge_button.setAccessibleName(
            _("Gabungkan catatan kelompok terpilih ke satu catatan")
        )
        self.merge_button.setEnabled(False)
        actions = QHBoxLayout()
        actions.addWidget(self.merge_button)
        actions.addStretch(1)

        self.lay_out(_("Data Serupa"), intro, top, self.tree, actions)

        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.filters.changed.connect(self.reload)
        self.reload_button.clicked.connect(self.reload)
        self.busy.cancel.clicked.connect(self.cancel)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_actions())
        self.merge_button.clicked.connect(self.merge_selected)
        shell.hub.changed.connect(self._on_change)
        self.reload()

    # --- computing ---------------------------------------------------------------------------

    def reload(self) -> None:
        ctx, kind, area = self.shell.ctx, self.kind.currentData(), self.filters.area()

        def work(progress: TaskProgress) -> list[SimilarGroup]:
            from smartcity_desktop.services.similarity import similar_groups

            def tick(done: int) -> None:
                progress.check()
                progress.report(done, 0, _("Membaca catatan… {n}").format(n=done))

            return similar_groups(ctx, kind, area, tick)  # type: ignore[arg-type]

        self.compute(
            work,
            _("Mencari data serupa…"),
            self._loaded_groups,
            _("Data serupa tidak dapat dihitung"),
        )

    def _loaded_groups(self, groups: list[SimilarGroup]) -> None:
        self.groups = groups
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        for group in self.groups:
            top = QTreeWidgetItem(
                [
                    group.reason,
                    _("{n} desa").format(n=len({m.desa for m in group.members})),
                    _("{n} catatan").format(n=len(group.members)),
                ]
            )
            top.setData(0, GROUP_ROLE, group.key)
            top.setToolTip(0, group.reason)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for member in group.members:
                child = QTreeWidgetItem([member.title, member.desa_name, member.kecamatan_name])
                child.setData(0, GROUP_ROLE, group.key)
                child.setData(0, MEMBER_ROLE, member.id)
                child.setToolTip(0, member.title)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        if self.groups:
            self.status.setText(
                _("{n} kelompok catatan serupa dari desa yang berbeda.").format(n=len(self.groups))
            )
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        else:
            self.status.setText(_("Tidak ada catatan serupa dari desa yang berbeda."))
        self._update_actions()

    # --- merging -----------------------------------------------------------------------------

    def selected_group(self) -> tuple[SimilarGroup | None, str | None]:
        item = self.tree.currentItem()
        if item is None:
            return None, None
        key = item.data(0, GROUP_ROLE)
        group = next((g for g in self.groups if g.key == key), None)
        return group, item.data(0, MEMBER_ROLE)

    def _update_actions(self) -> None:
        group, _member = self.selected_group()
        self.merge_button.setEnabled(group is not None and not self.busy.isVisible())

    def merge_selected(self) -> None:
        group, member = self.selected_group()
        if group is None:
            return
        target, comment = self.ask_merge(self, group, member)
        if not target:
            return
        from smartcity_desktop.services.similarity import merge_group

        try:
            change = merge_group(
                self.shell.ctx, target, [m.id for m in group.members], comment or None
            )
        except Exception as exc:  # a refusal is shown; nothing was written
            self.shell.dialogs.error(self, exc, _("Catatan tidak dapat digabung"))
            return
        self.shell.hub.publish(change)

    def _on_change(self, change: Change) -> None:
        if change.touches("review") or change.touches(str(self.kind.currentData())):
            self.reload()
