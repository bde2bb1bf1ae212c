"""Every file dialog of the app: in the app's language, starting in a sensible folder.

Qt's own dialog is used (not the system's) because only it lets the app set its labels ("Lihat di",
"Nama berkas", "Batal"); the system dialog of an English Windows or a Linux desktop would show its
own language whatever the app's setting. Each kind of file remembers the folder last used for it
during the session, so the second bundle is looked for where the first one was.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QToolButton, QWidget

from smartcity_desktop.i18n import N_, _


class Purpose(StrEnum):
    BUNDLES = "bundles"
    REPORTS = "reports"
    ATTACHMENTS = "attachments"
    KEYS = "keys"
    BACKUPS = "backups"


_last_folder: dict[Purpose, Path] = {}

# Tool buttons of Qt's dialog, by their object names, and what they do.
_BUTTON_TIPS = {
    "backButton": N_("Mundur"),
    "forwardButton": N_("Maju"),
    "toParentButton": N_("Ke folder induk"),
    "newFolderButton": N_("Buat folder baru"),
    "listModeButton": N_("Tampilkan sebagai daftar"),
    "detailModeButton": N_("Tampilkan dengan rincian"),
}


def start_folder(purpose: Purpose, fallback: Path | None, *, fallback_first: bool = False) -> Path:
    """The folder last used for this kind of file, else ``fallback``, else the home folder.

    ``fallback_first`` when the caller's folder is itself the person's current choice (the
    destination folder shown on Kirim Data).
    """
    remembered = _last_folder.get(purpose)
    order = (fallback, remembered) if fallback_first else (remembered, fallback)
    for folder in order:
        if folder is not None and folder.is_dir():
            return folder
    return Path.home()


def downloads_folder() -> Path | None:
    """Where bundles received by e-mail or WhatsApp Web usually land."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(found) if found else None


def remember(purpose: Purpose, path: Path) -> None:
    _last_folder[purpose] = path if path.is_dir() else path.parent


def forget_folders() -> None:
    """For tests: start each dialog afresh."""
    _last_folder.clear()


def make_dialog(
    parent: QWidget | None,
    title: str,
    start: Path,
    file_filter: str,
    *,
    accept: str,
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(start), file_filter)
    dialog.setObjectName("SmartCityFileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    labels = {
        QFileDialog.DialogLabel.LookIn: _("Lihat di:"),
        QFileDialog.DialogLabel.FileName: _("Nama berkas:"),
        QFileDialog.DialogLabel.FileType: _("Jenis berkas:"),
        QFileDialog.DialogLabel.Accept: accept,
        QFileDialog.DialogLabel.Reject: _("Batal"),
    }
    for label, text in labels.items():
        dialog.setLabelText(label, text)
    for name, tip in _BUTTON_TIPS.items():
        button = dialog.findChild(QToolButton, name)
        if button is not None:
            button.setToolTip(_(tip))
            button.setAccessibleName(_(tip))
    return dialog


def _run(dialog: QFileDialog) -> list[Path]:
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return []
    return [Path(name) for name in dialog.selectedFiles()]


def open_files(
    parent: QWidget | None,
    title: str,
    purpose: Purpose,
    fallback: Path | None,
    file_filter: str,
) -> list[Path]:
    dialog = make_dialog(
        parent, title, start_folder(purpose, fallback), file_filter, accept=_("Buka")
    )
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    paths = _run(dialog)
    if paths:
        remember(purpose, paths[0])
    return paths


def open_file(
    parent: QWidget | None,
    title: str,
    purpose: Purpose,
    fallback: Path | None,
    file_filter: str,
) -> Path | None:
    dialog = make_dialog(
        parent, title, start_folder(purpose, fallback), file_filter, accept=_("Buka")
    )
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    paths = _run(dialog)
    if paths:
        remember(purpose, paths[0])
    return paths[0] if paths else None


def save_file(
    parent: QWidget | None,
    title: str,
    purpose: Purpose,
    suggested: Path,
    file_filter: str,
) -> Path | None:
    """``suggested`` names the file and its usual folder; a folder used since takes precedence."""
    folder = start_folder(purpose, suggested.parent)
    dialog = make_dialog(parent, title, folder / suggested.name, file_filter, accept=_("Simpan"))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(suggested.name)
    paths = _run(dialog)
    if paths:
        remember(purpose, paths[0])
    return paths[0] if paths else None


def choose_folder(
    parent: QWidget | None, title: str, purpose: Purpose, fallback: Path | None
) -> Path | None:
    start = start_folder(purpose, fallback, fallback_first=True)
    dialog = make_dialog(parent, title, start, "", accept=_("Pilih"))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, _("Folder:"))
    paths = _run(dialog)
    if paths:
        remember(purpose, paths[0])
    return paths[0] if paths else None
