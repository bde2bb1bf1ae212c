"""The plain data the kecamatan documents are made from; services fill it, reports lay it out.

Rekap Kecamatan, Berita Acara Verifikasi Kecamatan and the reminder letter (Surat Pengingat) all
speak of the villages of one kecamatan as the region list names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from smartcity_desktop.reports.recap_data import Letterhead


@dataclass(frozen=True)
class Signatory:
    """One signature block: "Camat Tarumajaya" over a name (empty: a dotted line)."""

    role: str  # already translated, e.g. "Camat Tarumajaya", "Operator"
    name: str


@dataclass(frozen=True)
class VillageSummary:
    code: str
    name: str  # "Desa Sagara Makmur"
    stage: str  # VillageStage value
    counts: dict[str, int]  # kind -> live records
    dimensions: dict[str, int]  # dimension code -> live records (all kinds)
    reviewed: int
    states: dict[str, int]  # review state -> records
    last_bundle: int | None  # sequence number
    last_received: datetime | None
    changed_after_verification: bool = False
    verification_state: str | None = None  # this kecamatan's verdict on the village
    verification_reason: str | None = None
    verification_comment: str | None = None
    verified_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PriorityItem:
    rank: int
    desa_name: str
    title: str
    dimension: str  # code
    state: str  # review state


@dataclass(frozen=True)
class KecamatanReportData:
    letterhead: Letterhead
    head: Signatory  # the camat
    operator: Signatory
    fingerprint: str
    generated_at: datetime  # aware, local time
    deadline: date | None
    villages: list[VillageSummary] = field(default_factory=list)
    priorities: list[PriorityItem] = field(default_factory=list)
    unranked_proposals: int = 0


@dataclass(frozen=True)
class ReminderData:
    letterhead: Letterhead
    head: Signatory
    fingerprint: str
    generated_at: datetime
    deadline: date | None
    village: VillageSummary
    village_head_title: str  # "Kepala Desa" / "Lurah"
    missing: list[str] = field(default_factory=list)  # what the village still owes, translated
