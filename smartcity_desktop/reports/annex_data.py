"""The plain data the kabupaten's annex is made from; services fill it, reports lay it out.

"Lampiran Rekapitulasi Aspirasi Permasalahan, Potensi dan Usulan Inovasi Desa/Kelurahan": the
completeness of the villages' data, one section per analysis view (its tables already cut to what
a printed page can hold, its chart, notes and filter) and the proposals not accommodated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from smartcity_desktop.reports.kecamatan_data import Signatory
from smartcity_desktop.reports.recap_data import Letterhead

# Column kinds, as the analysis views type them: text, int, float, money, percent.
TEXT, INT, FLOAT, MONEY, PERCENT = "text", "int", "float", "money", "percent"


@dataclass(frozen=True)
class AnnexColumn:
    title: str
    kind: str = TEXT
    heat: bool = False


@dataclass(frozen=True)
class AnnexChart:
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per category)
    stacked: bool = False
    horizontal: bool = False
    value_label: str = ""
    note: str = ""  # e.g. that only the largest categories are drawn


@dataclass(frozen=True)
class AnnexTable:
    title: str
    columns: tuple[AnnexColumn, ...]
    rows: tuple[tuple[Any, ...], ...]  # at most the annex's row limit, in the view's order
    totals: tuple[Any, ...] | None = None
    chart: AnnexChart | None = None
    note: str = ""
    total_rows: int = 0  # rows the view has; more than ``len(rows)`` when the table was cut
    export_hint: str = ""  # how to get the whole table (the XLSX command)

    @property
    def cut(self) -> bool:
        return self.total_rows > len(self.rows)


@dataclass(frozen=True)
class AnnexView:
    name: str  # the registry name
    title: str
    summary: str
    tables: tuple[AnnexTable, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    filters: tuple[tuple[str, str], ...] = ()
    error: str = ""  # why the view could not be computed (the section says so)


@dataclass(frozen=True)
class CompletenessLine:
    name: str  # "Kecamatan Tarumajaya"
    villages: int
    sent: int
    verified: int
    accepted: int
    records: int


@dataclass(frozen=True)
class NotAccommodated:
    kecamatan: str
    desa: str
    title: str
    dimension: str  # label
    reviewer: str  # "Kecamatan Tarumajaya" / "Kabupaten Bekasi"
    decision: str  # "Ditolak" / "Dialihkan"
    reason: str
    state: str = ""  # the review state code: ditolak / dialihkan


@dataclass(frozen=True)
class AnnexData:
    letterhead: Letterhead
    head: Signatory
    operator: Signatory
    fingerprint: str
    generated_at: datetime  # aware, local time
    cut_off: datetime | None  # aware, local time: the newest bundle received
    deadline: date | None
    record_counts: tuple[tuple[str, int], ...]  # (kind label, live final records)
    completeness: tuple[CompletenessLine, ...]
    views: tuple[AnnexView, ...]
    not_accommodated: tuple[NotAccommodated, ...] = ()
    not_accommodated_total: int = 0
    # (kecamatan name, rejected, redirected) over every proposal not accommodated, listed or not
    not_accommodated_by_kecamatan: tuple[tuple[str, int, int], ...] = ()
    row_limit: int = 0
