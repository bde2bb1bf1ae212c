"""Qt's own texts (standard buttons, file dialog parts) in the app's language.

Qt ships translations as ``qtbase_<lang>.qm``, but there is no ``qtbase_id``: Indonesian is not
among them. The few Qt texts a user of this app meets are therefore translated here, by a small
translator that answers for Qt's own contexts; for a language Qt does ship (English needs none,
being Qt's source language) its file is loaded as well.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

# (Qt context, Qt's English text) -> Indonesian. Texts with "&" keep Qt's mnemonic marker.
_INDONESIAN: dict[tuple[str, str], str] = {
    ("QPlatformTheme", "OK"): "OK",
    ("QPlatformTheme", "Cancel"): "Batal",
    ("QPlatformTheme", "Close"): "Tutup",
    ("QPlatformTheme", "Apply"): "Terapkan",
    ("QPlatformTheme", "Reset"): "Atur ulang",
    ("QPlatformTheme", "Help"): "Bantuan",
    ("QPlatformTheme", "&Yes"): "&Ya",
    ("QPlatformTheme", "&No"): "&Tidak",
    ("QPlatformTheme", "Yes to &All"): "Ya untuk &semua",
    ("QPlatformTheme", "N&o to All"): "T&idak untuk semua",
    ("QPlatformTheme", "Save"): "Simpan",
    ("QPlatformTheme", "&Save"): "&Simpan",
    ("QPlatformTheme", "Open"): "Buka",
    ("QPlatformTheme", "&Open"): "&Buka",
    ("QPlatformTheme", "Discard"): "Buang",
    ("QPlatformTheme", "Abort"): "Batalkan",
    ("QPlatformTheme", "Retry"): "Coba lagi",
    ("QPlatformTheme", "Ignore"): "Abaikan",
    ("QPlatformTheme", "Restore Defaults"): "Kembalikan bawaan",
    ("QPlatformTheme", "Save All"): "Simpan semua",
    ("QPlatformTheme", "Don't Save"): "Jangan simpan",
    ("QPlatformTheme", "Close without Saving"): "Tutup tanpa menyimpan",
    ("QWizard", "< &Back"): "< &Kembali",
    ("QWizard", "&Next >"): "&Lanjut >",
    ("QWizard", "&Finish"): "&Selesai",
    ("QWizard", "Cancel"): "Batal",
    ("QWizard", "Go Back"): "Kembali",
    ("QWizard", "Continue"): "Lanjut",
    ("QWizard", "Commit"): "Terapkan",
    ("QWizard", "Done"): "Selesai",
    ("QWizard", "&Help"): "&Bantuan",
    ("QFileDialog", "Look in:"): "Lihat di:",
    ("QFileDialog", "File &name:"): "&Nama berkas:",
    ("QFileDialog", "Files of type:"): "Jenis berkas:",
    ("QFileDialog", "Back"): "Mundur",
    ("QFileDialog", "Forward"): "Maju",
    ("QFileDialog", "Parent Directory"): "Folder induk",
    ("QFileDialog", "Go back"): "Mundur",
    ("QFileDialog", "Go forward"): "Maju",
    ("QFileDialog", "Go to the parent directory"): "Ke folder induk",
    ("QFileDialog", "Create New Folder"): "Buat folder baru",
    ("QFileDialog", "Create a New Folder"): "Buat folder baru",
    ("QFileDialog", "List View"): "Tampilan daftar",
    ("QFileDialog", "Change to list view mode"): "Tampilkan sebagai daftar",
    ("QFileDialog", "Detail View"): "Tampilan rinci",
    ("QFileDialog", "Change to detail view mode"): "Tampilkan dengan rincian",
    ("QFileDialog", "Sidebar"): "Bilah samping",
    ("QFileDialog", "List of places and bookmarks"): "Daftar tempat dan penanda",
    ("QFileDialog", "Files"): "Berkas",
    ("QFileDialog", "Directory:"): "Folder:",
    ("QFileDialog", "Directories"): "Folder",
    ("QFileDialog", "All Files (*)"): "Semua berkas (*)",
    ("QFileDialog", "New Folder"): "Folder baru",
    ("QFileDialog", "&New Folder"): "Folder &baru",
    ("QFileDialog", "&Delete"): "&Hapus",
    ("QFileDialog", "&Rename"): "&Ganti nama",
    ("QFileDialog", "Show &hidden files"): "Tampilkan berkas &tersembunyi",
    ("QFileDialog", "&Choose"): "&Pilih",
    ("QFileDialog", "&Open"): "&Buka",
    ("QFileDialog", "&Save"): "&Simpan",
    ("QFileDialog", "Open"): "Buka",
    ("QFileDialog", "Save As"): "Simpan sebagai",
    ("QFileDialog", "Find Directory"): "Pilih folder",
    ("QFileDialog", "My Computer"): "Komputer",
    ("QFileDialog", "Recent Places"): "Tempat terakhir",
    ("QFileSystemModel", "Name"): "Nama",
    ("QFileSystemModel", "Size"): "Ukuran",
    ("QFileSystemModel", "Type"): "Jenis",
    ("QFileSystemModel", "Date Modified"): "Tanggal diubah",
    ("QFileSystemModel", "Kind"): "Jenis",
    ("QFileSystemModel", "My Computer"): "Komputer",
    ("QFileSystemModel", "Computer"): "Komputer",
    ("QFileSystemModel", "%1 KB"): "%1 KB",
    ("QFileSystemModel", "%1 MB"): "%1 MB",
    ("QLineEdit", "&Undo"): "&Urungkan",
    ("QLineEdit", "&Redo"): "&Ulangi",
    ("QLineEdit", "Cu&t"): "Po&tong",
    ("QLineEdit", "&Copy"): "&Salin",
    ("QLineEdit", "&Paste"): "T&empel",
    ("QLineEdit", "Delete"): "Hapus",
    ("QLineEdit", "Select All"): "Pilih semua",
    ("QWidgetTextControl", "&Undo"): "&Urungkan",
    ("QWidgetTextControl", "&Redo"): "&Ulangi",
    ("QWidgetTextControl", "Cu&t"): "Po&tong",
    ("QWidgetTextControl", "&Copy"): "&Salin",
    ("QWidgetTextControl", "&Paste"): "T&empel",
    ("QWidgetTextControl", "Delete"): "Hapus",
    ("QWidgetTextControl", "Select All"): "Pilih semua",
    ("QMessageBox", "Show Details..."): "Tampilkan rincian…",
    ("QMessageBox", "Hide Details..."): "Sembunyikan rincian…",
}


class IndonesianQtTexts(QTranslator):
    """Answers Qt's own contexts from the table above; everything else stays untranslated."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        return _INDONESIAN.get((context, source_text), "")

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []


def install_qt_translations(language: str) -> None:
    """Replace the Qt translators of the previous language with those of ``language``."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    shipped = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if shipped.load(QLocale(language), "qtbase", "_", folder):
        _installed.append(shipped)
    if language == "id":
        _installed.append(IndonesianQtTexts(app))
    for translator in _installed:
        app.installTranslator(translator)


def qt_text(context: str, source: str) -> str:
    """What Qt shows for one of its texts now (tests check the translation took)."""
    return QCoreApplication.translate(context, source)
