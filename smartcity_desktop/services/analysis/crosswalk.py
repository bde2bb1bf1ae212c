"""The RPJMD crosswalk: which programme of the regional mid-term plan a proposal belongs to.

Each row names an urusan, a sub-element, an OPD or a combination of them, and the RPJMD programme
(code and name) they lead to. A proposal takes the programme of the most specific row that matches
it: the row with the most parts filled in wins; among rows equally specific, an OPD match beats a
sub-element match, which beats an urusan match. OPD names are compared without regard to case or
repeated spaces, because villages type them by hand.

The table is the office's own (``rpjmd_crosswalk``), never sent in a bundle. It is edited in the
app or replaced as a whole from a CSV or XLSX file; a bad file changes nothing, and the message
names the row and the column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.view_settings import SettingsRefused, _refuse_desa
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import POSTGRESQL, dialect_of
from smartcity_desktop.storage.models import RpjmdCrosswalk

COLUMNS = ("urusan", "sub_elemen", "opd", "kode_program", "nama_program")
MAX_ROWS = 5000
MAX_FILE_BYTES = 20 * 1024 * 1024
_LIMITS = {"urusan": 10, "sub_elemen": 40, "opd": 200, "kode_program": 50, "nama_program": 200}


class CrosswalkRefused(UserError):
    code = "analysis.crosswalk_refused"


@dataclass(frozen=True)
class CrosswalkRow:
    urusan: str = ""
    sub_element: str = ""
    opd: str = ""
    programme_code: str = ""
    programme_name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "urusan": self.urusan,
            "sub_elemen": self.sub_element,
            "opd": self.opd,
            "kode_program": self.programme_code,
            "nama_program": self.programme_name,
        }

    @property
    def specificity(self) -> tuple[int, int, int, int]:
        return (
            bool(self.urusan) + bool(self.sub_element) + bool(self.opd),
            bool(self.opd),
            bool(self.sub_element),
            bool(self.urusan),
        )

    def matches(self, urusan: str | None, sub_element: str | None, opd_key: str) -> bool:
        return (
            (not self.urusan or self.urusan == urusan)
            and (not self.sub_element or self.sub_element == sub_element)
            and (not self.opd or opd_norm(self.opd) == opd_key)
        )

    def describe_match(self) -> str:
        parts = []
        if self.urusan:
            parts.append(_("urusan {code}").format(code=self.urusan))
        if self.sub_element:
            parts.append(_("sub-elemen {code}").format(code=self.sub_element))
        if self.opd:
            parts.append(_("OPD {name}").format(name=self.opd))
        return ", ".join(parts)


def opd_norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def crosswalk_rows(ctx: AppContext) -> list[CrosswalkRow]:
    with ctx.db.session() as session:
        columns: list[Any] = [
            RpjmdCrosswalk.programme_code,
            RpjmdCrosswalk.urusan,
            RpjmdCrosswalk.sub_element,
            RpjmdCrosswalk.opd,
        ]
        if dialect_of(session) == POSTGRESQL:
            # By code point, as SQLite sorts: a server's collation may order case and punctuation
            # otherwise (OPD names), and the first of two equally specific rows is the one used.
            columns = [c.collate("C") for c in columns]
        return [
            CrosswalkRow(r.urusan, r.sub_element, r.opd, r.programme_code, r.programme_name)
            for r in session.scalars(select(RpjmdCrosswalk).order_by(*columns, RpjmdCrosswalk.id))
        ]


class Matcher:
    """The most specific crosswalk row for a proposal's (urusan, sub-element, OPD)."""

    def __init__(self, rows: Sequence[CrosswalkRow]) -> None:
        # Most specific first; then by programme code, so that the choice is always the same.
        self.rows = sorted(
            rows, key=lambda r: (tuple(-x for x in r.specificity), r.programme_code, r.as_dict())
        )
        self._memo: dict[tuple[str | None, str | None, str], CrosswalkRow | None] = {}

    def match(
        self, urusan: str | None, sub_element: str | None, opd: str | None
    ) -> CrosswalkRow | None:
        key = (urusan, sub_element, opd_norm(opd))
        if key not in self._memo:
            self._memo[key] = next((r for r in self.rows if r.matches(*key)), None)
        return self._memo[key]


# --- checking and writing ----------------------------------------------------------------------


def _sub_elements() -> set[str]:
    return {s.code for d in ref_list("dimensions").items for s in d.children}


def _cell(value: Any, column: str) -> str:
    """A cell as text; numbers from a spreadsheet become the codes they were typed as."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if column == "urusan":
            return f"{value:.2f}"  # 2.1 typed in a sheet is the urusan 2.10
        if value.is_integer():
            return str(int(value))
    return " ".join(str(value).split())


def check_rows(
    raw: Iterable[Sequence[Any]], first_line: int = 1, where: str = ""
) -> list[CrosswalkRow]:
    """Check rows of (urusan, sub_elemen, opd, kode_program, nama_program); raises
    ``CrosswalkRefused`` naming every wrong row and column (at most 20 of them)."""
    urusan_codes = set(ref_list("urusan").codes())
    subs = _sub_elements()
    errors: list[str] = []
    out: list[CrosswalkRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    prefix = where or _("Baris")
    for n, values in enumerate(raw, first_line):
        cells = [_cell(v, c) for v, c in zip(values, COLUMNS, strict=False)]
        cells += [""] * (len(COLUMNS) - len(cells))
        if not any(cells):
            continue
        row = dict(zip(COLUMNS, cells, strict=True))

        def bad(column: str, message: str, n: int = n) -> None:
            errors.append(
                _("{where} {n}, kolom {column}: {message}").format(
                    where=prefix, n=n, column=column, message=message
                )
            )

        for column, limit in _LIMITS.items():
            if len(row[column]) > limit:
                bad(column, _("paling panjang {limit} karakter.").format(limit=limit))
        if row["urusan"] and row["urusan"] not in urusan_codes:
            bad(
                "urusan",
                _("kode urusan {code} tidak dikenal (contoh yang benar: 1.03).").format(
                    code=row["urusan"]
                ),
            )
        if row["sub_elemen"] and row["sub_elemen"] not in subs:
            bad(
                "sub_elemen",
                _("kode sub-elemen {code} tidak dikenal (contoh yang benar: transportasi).").format(
                    code=row["sub_elemen"]
                ),
            )
        if not (row["urusan"] or row["sub_elemen"] or row["opd"]):
            bad("urusan", _("isi paling sedikit satu dari urusan, sub_elemen atau opd."))
        if not row["kode_program"]:
            bad("kode_program", _("kode program RPJMD wajib diisi."))
        if not row["nama_program"]:
            bad("nama_program", _("nama program RPJMD wajib diisi."))
        key = (row["urusan"], row["sub_elemen"], opd_norm(row["opd"]))
        if key in seen and any(key):
            bad(
                "urusan",
                _("urusan, sub-elemen dan OPD yang sama sudah ada di baris {other}.").format(
                    other=seen[key]
                ),
            )
        seen.setdefault(key, n)
        out.append(
            CrosswalkRow(
                row["urusan"],
                row["sub_elemen"],
                row["opd"],
                row["kode_program"],
                row["nama_program"],
            )
        )
        if len(out) > MAX_ROWS:
            errors.append(_("Paling banyak {n} baris.").format(n=MAX_ROWS))
            break
    if errors:
        shown = errors[:20]
        if len(errors) > 20:
            shown.append(_("… dan {n} kesalahan lain.").format(n=len(errors) - 20))
        raise CrosswalkRefused(
            _("Tabel padanan RPJMD tidak disimpan; tidak ada yang berubah.")
            + "\n"
            + "\n".join(shown),
            code="analysis.crosswalk_invalid",
        )
    return out


def replace_crosswalk(ctx: AppContext, rows: Sequence[CrosswalkRow]) -> Change:
    """The whole table replaced by ``rows`` (checked first), in one transaction."""
    try:
        _refuse_desa(ctx)
    except SettingsRefused as exc:
        raise CrosswalkRefused(str(exc), code=exc.code) from None
    checked = check_rows(
        [(r.urusan, r.sub_element, r.opd, r.programme_code, r.programme_name) for r in rows]
    )
    now = ctx.clock()
    with ctx.db.transaction() as session:
        session.execute(delete(RpjmdCrosswalk))
        session.flush()
        for row in checked:
            session.add(
                RpjmdCrosswalk(
                    urusan=row.urusan,
                    sub_element=row.sub_element,
                    opd=row.opd,
                    programme_code=row.programme_code,
                    programme_name=row.programme_name,
                    updated_at=now,
                )
            )
    return Change(Action.SETTINGS, details={"crosswalk": len(checked)})


def import_crosswalk(ctx: AppContext, path: Path) -> Change:
    """Replace the table with the rows of a CSV or XLSX file (header row first)."""
    return replace_crosswalk(ctx, read_crosswalk_file(path))


def read_crosswalk_file(path: Path) -> list[CrosswalkRow]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CrosswalkRefused(
            _("Berkas {name} tidak dapat dibaca: {reason}").format(
                name=path.name, reason=exc.strerror or exc
            ),
            code="analysis.crosswalk_unreadable",
        ) from None
    if size > MAX_FILE_BYTES:
        raise CrosswalkRefused(
            _("Berkas {name} terlalu besar untuk tabel padanan (paling besar 20 MB).").format(
                name=path.name
            ),
            code="analysis.crosswalk_unreadable",
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path)
    elif suffix == ".xlsx":
        table = _read_xlsx(path)
    else:
        raise CrosswalkRefused(
            _(
                "Berkas {name} bukan CSV atau XLSX; simpan tabel padanan sebagai .csv atau .xlsx."
            ).format(name=path.name),
            code="analysis.crosswalk_format",
        )
    if not table:
        raise CrosswalkRefused(
            _("Berkas {name} kosong; baris pertama harus judul kolom: {columns}.").format(
                name=path.name, columns=", ".join(COLUMNS)
            ),
            code="analysis.crosswalk_header",
        )
    header = [re.sub(r"[\s-]+", "_", _cell(h, "").strip().lower()) for h in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CrosswalkRefused(
            _(
                "Baris 1 berkas {name} harus berisi judul kolom {columns}; yang belum ada: "
                "{missing}. Tidak ada yang berubah."
            ).format(name=path.name, columns=", ".join(COLUMNS), missing=", ".join(missing)),
            code="analysis.crosswalk_header",
        )
    at = [header.index(c) for c in COLUMNS]
    body = [[line[i] if i < len(line) else None for i in at] for line in table[1:]]
    rows = check_rows(body, first_line=2)
    if not rows:
        raise CrosswalkRefused(
            _("Berkas {name} hanya berisi judul kolom; tidak ada baris padanan.").format(
                name=path.name
            ),
            code="analysis.crosswalk_empty",
        )
    return rows


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CrosswalkRefused(
            _(
                "Berkas {name} bukan teks UTF-8. Simpan ulang dari lembar kerja sebagai "
                "\u201cCSV UTF-8\u201d."
            ).format(name=path.name),
            code="analysis.crosswalk_encoding",
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [line for line in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise CrosswalkRefused(
            _("Berkas {name} bukan CSV yang benar: {reason}").format(name=path.name, reason=exc),
            code="analysis.crosswalk_format",
        ) from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CrosswalkRefused(
            _("Berkas {name} bukan XLSX yang dapat dibaca ({reason}).").format(
                name=path.name, reason=type(exc).__name__
            ),
            code="analysis.crosswalk_format",
        ) from None
    try:
        sheet = book.worksheets[0]
        out: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            out.append(list(values))
            if len(out) > MAX_ROWS + 1:
                break
        while out and not any(v not in (None, "") for v in out[-1]):
            out.pop()
        return out
    finally:
        book.close()
