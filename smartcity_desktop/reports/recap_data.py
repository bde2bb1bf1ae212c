"""The plain data a village recap is made from; services fill it, reports lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import Record


@dataclass(frozen=True)
class Letterhead:
    """Names as the region list spells them, e.g. "Kabupaten Bekasi", "Tarumajaya"."""

    regency: str  # "Kabupaten Bekasi" / "Kota Bekasi"
    district: str  # kecamatan name without the word "Kecamatan"
    office: str  # "Desa Sagara Makmur" / "Kelurahan Setia Asih"
    office_place: str  # "Sagara Makmur": where the head signs
    regency_place: str  # "Bekasi": the town named before the date under the title
    address: str = ""


@dataclass(frozen=True)
class RecapData:
    letterhead: Letterhead
    head_title: str  # "Kepala Desa" or "Lurah", already translated
    head_name: str  # empty: a dotted line is printed for the name to be written by hand
    fingerprint: str
    generated_at: datetime  # aware, local time
    records: dict[RecordKind, list[Record]] = field(default_factory=dict)
    drafts_left_out: int = 0
