"""The editor's few colours, as one style sheet (messages red, banners tinted, status as a chip)."""

from __future__ import annotations

EDITOR_STYLE = """
QLabel#EditorTitle { font-size: 15pt; font-weight: bold; }
QLabel#StatusChip { border-radius: 9px; padding: 2px 10px; font-weight: bold;
    background: #e3e3e3; color: #333333; }
QLabel#StatusChip[state="draft"] { background: #fff1c2; color: #6b4e00; }
QLabel#StatusChip[state="final"] { background: #d5f0dc; color: #14532d; }
QLabel#StatusChip[state="deleted"] { background: #f4d3d0; color: #7f1d1d; }
QLabel#FieldError { color: #b3261e; }
QLabel#Hint, QLabel[role="hint"] { color: #555555; }
QFrame#RestoreBar { background: #e8f0fe; border: 1px solid #8ab4f8; border-radius: 4px; }
QFrame#InfoBar { background: #f1f3f4; border: 1px solid #c4c7c5; border-radius: 4px; }
QFrame#ErrorBar { background: #fce8e6; border: 1px solid #ea8f86; border-radius: 4px; }
QFrame#ErrorBar QLabel { color: #8c1d18; }
QFrame#ReviewBar { background: #eaf4ec; border: 1px solid #8fc19b; border-radius: 4px; }
QFrame#ReviewBar[repair="true"] { background: #fdecea; border: 2px solid #a93226; }
QFrame#ReviewBar[repair="true"] QLabel { color: #7b241c; }
QGroupBox { font-weight: bold; }
QGroupBox QLabel, QGroupBox QCheckBox, QGroupBox QLineEdit, QGroupBox QPlainTextEdit,
QGroupBox QComboBox, QGroupBox QListWidget, QGroupBox QDateEdit, QGroupBox QPushButton {
    font-weight: normal; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] { border: 1px solid #b3261e;
    border-radius: 2px; padding: 3px 2px; background: #ffffff; }
QPushButton#PrimaryButton { font-weight: bold; }
QPushButton#DeleteButton { color: #b3261e; }
QLabel#AttachmentError { color: #b3261e; }
"""
