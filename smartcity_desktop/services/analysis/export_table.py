"""An analysis view as a spreadsheet: XLSX (typed cells, one sheet per table and a Keterangan
sheet) or CSV (one file per table).

- ``write_xlsx(result, path)``: each table on its own sheet with numbers as numbers, rupiah in the
  Indonesian currency format, percentages as Excel percentages, a frozen header, an autofilter,
  column widths and the totals row in bold under the filtered range; then a sheet "Keterangan"
  with the view, the office, the filters, the notes (weights, criteria), the data cut-off and when
  the view was computed. XlsxWriter in constant-memory mode writes it (chosen by measured speed
  and memory: benchmarks/xlsx_writers.py, docs/analysis.md).
- ``write_csv(result, path) -> list[Path]``: UTF-8 with a byte-order mark (Excel in Indonesia then
  reads the letters right), comma-separated, plain numbers (percent as 0..100, rupiah whole).
  A view of one table is written to ``path`` itself; a view of several tables to
  ``<stem>-<table key>.csv`` beside ``path``, one per table (``path`` itself is not written).

Every file is written as ``.<name>.<random>.partial`` in the target folder and renamed into place
when complete, so a failure never leaves half a file under the final name; a full disk or a
folder that cannot be written gives the app's storage errors (``DiskFullError`` or
``ExportWriteError``) and leaves any older file of that name as it was.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.reports.dates import format_datetime_long, to_local
from smartcity_desktop.services.analysis.result import Column, ColumnType, Table, ViewResult
from smartcity_desktop.storage.errors import DiskFullError, StorageError, translate_os_error

__all__ = ["ExportWriteError", "csv_paths", "sheet_names", "write_csv", "write_xlsx"]

# Excel's own code for Indonesian rupiah ([$Rp-421]): shown with the reader's digit grouping.
MONEY_FORMAT = "[$Rp-421] #,##0"
FLOAT_FORMAT = "#,##0.0"
INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
KETERANGAN = "Keterangan"
# Column widths are measured on the first rows only: enough for a good fit, cheap on 60,000 rows.
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExportWriteError(StorageError):
    code = "analysis.export_write_failed"


# --- names ----------------------------------------------------------------------------------


def sheet_names(result: ViewResult) -> list[str]:
    """One Excel sheet name per table: its title without the characters Excel forbids, cut to
    31 characters, made unique with a number; never "Keterangan"."""
    used = {KETERANGAN.lower()}
    names = []
    for table in result.tables:
        base = " ".join(_SHEET_FORBIDDEN.sub(" ", table.title).split()).strip("'") or table.key
        name = base[:31]
        n = 2
        while name.lower() in used:
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        names.append(name)
    return names


def csv_paths(result: ViewResult, path: Path) -> list[Path]:
    """Where ``write_csv`` puts each table: ``path`` for one table, else ``<stem>-<key>.csv``."""
    path = Path(path).absolute()
    if len(result.tables) == 1:
        return [path]
    stem = path.stem if path.suffix.lower() == ".csv" else path.name
    return [path.with_name(f"{stem}-{table.key}.csv") for table in result.tables]


# --- writing through a temporary file --------------------------------------------------------


def _write_error(exc: OSError, where: Path) -> UserError:
    translated = translate_os_error(exc, where)
    if isinstance(translated, DiskFullError):
        return translated
    # storage's read-only and permission messages speak of the data folder; this is the export's
    # own folder, chosen by the user.
    return ExportWriteError(
        _(
            "Berkas ekspor tidak dapat disimpan ke {where} ({reason}). Periksa izin folder, tutup "
            "berkas itu bila sedang dibuka di program lain (misalnya Excel), atau pilih folder "
            "lain."
        ).format(where=where, reason=exc.strerror or exc)
    )


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise ExportWriteError(
            _("{path} adalah folder; tuliskan nama berkas, misalnya matriks.xlsx.").format(
                path=path
            )
        )
    if not path.parent.is_dir():
        raise ExportWriteError(
            _("Folder {folder} tidak ada. Pilih folder yang sudah ada untuk berkas ekspor.").format(
                folder=path.parent
            )
        )


def _partial_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")


@contextlib.contextmanager
def _staged(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary files beside ``targets``; renamed onto them together when the block ends
    without an error, removed otherwise. OSErrors become the export's user errors."""
    temporaries: list[Path] = []
    try:
        for target in targets:
            _check_target(target)
            temporary = _partial_name(target)
            try:
                temporary.open("xb").close()
            except OSError as exc:
                raise _write_error(exc, target.parent) from exc
            temporaries.append(temporary)
        try:
            yield temporaries
        except OSError as exc:
            raise _write_error(exc, targets[0]) from exc
        for temporary, target in zip(temporaries, targets, strict=True):
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise _write_error(exc, target) from exc
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


# --- XLSX ------------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str:
    return format_datetime_long(to_local(value)) if value is not None else _("(belum ada)")


def keterangan_lines(result: ViewResult) -> list[tuple[str, str]]:
    """What the Keterangan sheet states, (label, value), in the current language."""
    office = result.names.get(result.office_code)
    lines = [
        (_("Tampilan"), result.title),
        (_("Nama tampilan (perintah analysis)"), result.view),
        (_("Kantor"), f"{office} ({result.office_code})" if office else result.office_code),
    ]
    lines += [
        (_("Saringan: {label}").format(label=label), value)
        for label, value in result.describe_filter()
    ]
    lines += list(result.notes)
    lines += [
        (_("Catatan tabel {title}").format(title=t.title), t.note) for t in result.tables if t.note
    ]
    lines += [
        (_("Batas data (paket terakhir diterima)"), _when(result.cut_off)),
        (_("Dihitung"), _when(result.computed_at)),
    ]
    return lines


def _cell_width(value: Any, column: Column) -> int:
    if value is None:
        return 0
    if column.type is ColumnType.MONEY and isinstance(value, int | float):
        return len(f"{round(value):,}") + 4
    if column.type in (ColumnType.FLOAT, ColumnType.PERCENT) and isinstance(value, int | float):
        return len(f"{value:,.1f}") + 1
    return len(str(value))


def _widths(table: Table) -> list[int]:
    widths = [len(c.title) + 2 for c in table.columns]  # + the autofilter's arrow
    sample = list(table.rows[:WIDTH_SAMPLE])
    if table.totals is not None:
        sample.append(table.totals)
    for row in sample:
        for n, column in enumerate(table.columns):
            widths[n] = max(widths[n], _cell_width(row.values[n], column) + 1)
    return [min(max(w, MIN_WIDTH), MAX_WIDTH) for w in widths]


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.type is ColumnType.TEXT:
        return (
            value if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)  # a number column holding a label ("–"): kept as text, not lost
    if column.type is ColumnType.PERCENT:
        return value / 100
    if column.type is ColumnType.MONEY:
        return round(value)
    return value


def write_xlsx(result: ViewResult, path: Path) -> None:
    """Write ``result`` as an XLSX workbook at ``path`` (see the module's docstring)."""
    target = Path(path).absolute()
    with _staged([target]) as (temporary,):
        _write_workbook(result, temporary)


def _write_workbook(result: ViewResult, out: Path) -> None:
    import xlsxwriter  # only the export needs it: the GUI and CLI start without it
    from xlsxwriter.exceptions import FileCreateError

    book = xlsxwriter.Workbook(
        str(out),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # a proposal title starting with "=" stays text
            "strings_to_urls": False,
        },
    )
    book.set_properties(
        {"title": result.title, "author": result.office_code, "comments": result.view}
    )
    head = book.add_format({"bold": True, "bg_color": "#DCE3EA", "text_wrap": True, "border": 1})
    number = {
        ColumnType.INT: book.add_format({"num_format": INT_FORMAT}),
        ColumnType.FLOAT: book.add_format({"num_format": FLOAT_FORMAT}),
        ColumnType.MONEY: book.add_format({"num_format": MONEY_FORMAT}),
        ColumnType.PERCENT: book.add_format({"num_format": PERCENT_FORMAT}),
    }
    total_text = book.add_format({"bold": True, "top": 1, "bg_color": "#F2F2F2"})
    total_number = {
        kind: book.add_format({"num_format": fmt, "bold": True, "top": 1, "bg_color": "#F2F2F2"})
        for kind, fmt in (
            (ColumnType.INT, INT_FORMAT),
            (ColumnType.FLOAT, FLOAT_FORMAT),
            (ColumnType.MONEY, MONEY_FORMAT),
            (ColumnType.PERCENT, PERCENT_FORMAT),
        )
    }
    try:
        for table, name in zip(result.tables, sheet_names(result), strict=True):
            sheet = book.add_worksheet(name)
            formats = [number.get(c.type) for c in table.columns]
            for n, width in enumerate(_widths(table)):
                sheet.set_column(n, n, width, formats[n])
            sheet.freeze_panes(1, 0)
            sheet.set_row(0, None, head)
            for n, column in enumerate(table.columns):
                sheet.write_string(0, n, column.title, head)
            _write_rows(sheet, table, formats)
            last = len(table.rows)
            sheet.autofilter(0, 0, last, len(table.columns) - 1)
            for n, column in enumerate(table.columns):
                if column.heat and last:
                    sheet.conditional_format(
                        1,
                        n,
                        last,
                        n,
                        {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#F8696B"},
                    )
            if table.totals is not None:
                for n, column in enumerate(table.columns):
                    value = _xlsx_value(table.totals.values[n], column)
                    fmt = total_number.get(column.type, total_text)
                    if value is None:
                        sheet.write_blank(last + 1, n, None, fmt)
                    else:
                        sheet.write(last + 1, n, value, fmt)
        _write_keterangan(book, result, head)
        book.close()
    except FileCreateError as exc:
        original = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        if original is None:
            raise
        raise original from exc


def _write_rows(sheet: Any, table: Table, formats: list[Any]) -> None:
    """The table's rows, each cell through its type's own writer: the generic ``write`` guesses
    the type of every cell again, a fifth of the time on 50,000 rows."""
    number, string = sheet.write_number, sheet.write_string
    plan = [
        (n, column, formats[n], column.type is ColumnType.TEXT)
        for n, column in enumerate(table.columns)
    ]
    for r, row in enumerate(table.rows, start=1):
        values = row.values
        for n, column, fmt, is_text in plan:
            value = values[n]
            if value is None or value == "":
                continue
            if is_text and isinstance(value, str):
                string(r, n, value, fmt)
                continue
            value = _xlsx_value(value, column)
            if isinstance(value, str):
                string(r, n, value, fmt)
            else:
                number(r, n, value, fmt)


def _write_keterangan(book: Any, result: ViewResult, head: Any) -> None:
    sheet = book.add_worksheet(KETERANGAN)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
    sheet.set_column(0, 0, 38)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, _("Keterangan"), head)
    sheet.write_string(0, 1, "", head)
    for r, (label, value) in enumerate(keterangan_lines(result), start=1):
        sheet.write_string(r, 0, label, bold)
        sheet.write_string(r, 1, value, wrap)


# --- CSV -------------------------------------------------------------------------------------


def _csv_value(value: Any, column: Column) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if column.type is ColumnType.MONEY and isinstance(value, int | float):
        return round(value)
    return value


def write_csv(result: ViewResult, path: Path) -> list[Path]:
    """Write each table of ``result`` as CSV (see the module's docstring); return the files in
    the order of the tables. Either all files are written or none is changed."""
    targets = csv_paths(result, path)
    with _staged(targets) as temporaries:
        for table, temporary in zip(result.tables, temporaries, strict=True):
            with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
                out = csv.writer(handle)
                out.writerow([c.title for c in table.columns])
                rows = [*table.rows, *([table.totals] if table.totals else [])]
                for row in rows:
                    out.writerow(
                        [_csv_value(v, c) for v, c in zip(row.values, table.columns, strict=True)]
                    )
                handle.flush()
                os.fsync(handle.fileno())
    return targets
