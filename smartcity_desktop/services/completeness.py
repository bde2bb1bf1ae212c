"""Kelengkapan: every village of the area from the region list, whether it sent anything or not.

At a kecamatan: its villages, late against the one sending deadline it sets. At the kabupaten:
every village, grouped by kecamatan, with kecamatan and regency totals in percent, and a deadline
per stage that the kabupaten sets (terkirim, diverifikasi kecamatan, diterima kabupaten). For each
village: the last bundle received (number and dates from the bundle ledger, and whether it came
directly or nested in a kecamatan's forward, naming that kecamatan), counts by kind, review
progress ("12 dari 40"), stage, and the stages it is late for: a stage is late while the village
has not reached it and the day after its deadline has come.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from smartcity_desktop.domain.regions import level_of_code
from smartcity_desktop.domain.review import VillageStage, stage_label
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import as_datetime, raw
from smartcity_desktop.services.review.stages import (
    VillageStatus,
    cache_file,
    village_statuses,
)
from smartcity_desktop.storage.models import Region, Setting

# The sending deadline; the key is the one a kecamatan has always used, so its setting stays.
DEADLINE_KEY = "completeness.deadline"


class DeadlineStage(StrEnum):
    """The stages a deadline can be set for, in the order a village reaches them."""

    TERKIRIM = "terkirim"
    DIVERIFIKASI_KECAMATAN = "diverifikasi_kecamatan"
    DITERIMA_KABUPATEN = "diterima_kabupaten"


DEADLINE_STAGE_LABELS = {
    DeadlineStage.TERKIRIM: N_("Terkirim"),
    DeadlineStage.DIVERIFIKASI_KECAMATAN: N_("Diverifikasi kecamatan"),
    DeadlineStage.DITERIMA_KABUPATEN: N_("Diterima kabupaten"),
}
DEADLINE_KEYS = {
    DeadlineStage.TERKIRIM: DEADLINE_KEY,
    DeadlineStage.DIVERIFIKASI_KECAMATAN: "completeness.deadline.diverifikasi_kecamatan",
    DeadlineStage.DITERIMA_KABUPATEN: "completeness.deadline.diterima_kabupaten",
}
# The village stages that count as having reached each deadline stage. A village returned
# (dikembalikan) has sent, but is verified or accepted again only once it is fixed.
REACHED: dict[DeadlineStage, frozenset[VillageStage]] = {
    DeadlineStage.TERKIRIM: frozenset(VillageStage) - {VillageStage.BELUM_KIRIM},
    DeadlineStage.DIVERIFIKASI_KECAMATAN: frozenset(
        {VillageStage.DIVERIFIKASI_KECAMATAN, VillageStage.DITERIMA_KABUPATEN}
    ),
    DeadlineStage.DITERIMA_KABUPATEN: frozenset({VillageStage.DITERIMA_KABUPATEN}),
}


def deadline_stage_label(stage: str) -> str:
    return _(DEADLINE_STAGE_LABELS[DeadlineStage(stage)])


def stages_for(role: str) -> tuple[DeadlineStage, ...]:
    """A kecamatan sets the one sending deadline; the kabupaten one per stage."""
    return tuple(DeadlineStage) if role == "kabupaten" else (DeadlineStage.TERKIRIM,)


@dataclass(frozen=True)
class LastBundle:
    sequence: int
    created_at: dt.datetime  # when the village wrote it
    received_at: dt.datetime  # when this office imported it
    forwarded_by: str | None  # the forwarding office (or its bundle's hash), when it came nested
    via_office: str | None = None  # the kecamatan it came through; None when received directly
    via_name: str | None = None

    @property
    def route(self) -> str:
        if self.via_office is None:
            return _("langsung")
        return _("lewat {name}").format(name=self.via_name or self.via_office)


@dataclass(frozen=True)
class VillageLine:
    code: str
    name: str
    kind: str  # desa / kelurahan / desa_adat
    last_bundle: LastBundle | None
    status: VillageStatus
    overdue: bool
    late_stages: tuple[DeadlineStage, ...] = ()

    @property
    def progress(self) -> str:
        return _("{done} dari {total}").format(done=self.status.reviewed, total=self.status.total)

    def reached(self, stage: DeadlineStage) -> bool:
        return self.status.stage in REACHED[stage]

    def as_dict(self) -> dict[str, Any]:
        last = self.last_bundle
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "last_bundle": None
            if last is None
            else {
                "sequence": last.sequence,
                "created_at": last.created_at.isoformat() + "Z",
                "received_at": last.received_at.isoformat() + "Z",
                "forwarded": last.forwarded_by is not None,
                "direct": last.via_office is None,
                "via": None
                if last.via_office is None
                else {"code": last.via_office, "name": last.via_name},
            },
            **self.status.as_dict(),
            "stage_label": stage_label(self.status.stage),
            "progress": self.progress,
            "overdue": self.overdue,
            "late_stages": [s.value for s in self.late_stages],
        }


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def totals_of(lines: Iterable[VillageLine]) -> dict[str, Any]:
    """Villages that reached each stage and their records, in numbers and percent."""
    lines = list(lines)
    stages = [v.status.stage for v in lines]
    n = len(lines)
    sent = sum(1 for v in lines if v.reached(DeadlineStage.TERKIRIM))
    verified = sum(1 for v in lines if v.reached(DeadlineStage.DIVERIFIKASI_KECAMATAN))
    accepted = sum(1 for v in lines if v.reached(DeadlineStage.DITERIMA_KABUPATEN))
    records = sum(v.status.total for v in lines)
    reviewed = sum(v.status.reviewed for v in lines)
    records_verified = sum(
        v.status.total for v in lines if v.reached(DeadlineStage.DIVERIFIKASI_KECAMATAN)
    )
    records_accepted = sum(
        v.status.total for v in lines if v.reached(DeadlineStage.DITERIMA_KABUPATEN)
    )
    counts: dict[str, int] = {}
    for v in lines:
        for kind, count in v.status.counts.items():
            counts[kind] = counts.get(kind, 0) + count
    return {
        "villages": n,
        "sent": sent,
        "sent_percent": _percent(sent, n),
        "verified": verified,
        "verified_percent": _percent(verified, n),
        "accepted": accepted,
        "accepted_percent": _percent(accepted, n),
        "returned": stages.count(VillageStage.DIKEMBALIKAN),
        "overdue": sum(1 for v in lines if v.overdue),
        "late": {s.value: sum(1 for v in lines if s in v.late_stages) for s in DeadlineStage},
        "records": records,
        "counts": counts,
        "reviewed": reviewed,
        "reviewed_percent": _percent(reviewed, records),
        "records_verified": records_verified,
        "records_verified_percent": _percent(records_verified, records),
        "records_accepted": records_accepted,
        "records_accepted_percent": _percent(records_accepted, records),
    }


@dataclass(frozen=True)
class KecamatanGroup:
    code: str
    name: str
    villages: tuple[VillageLine, ...]

    def percent(self, done: int) -> float:
        return _percent(done, len(self.villages))

    def totals(self) -> dict[str, Any]:
        return totals_of(self.villages)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "totals": self.totals(),
            "villages": [v.as_dict() for v in self.villages],
        }


@dataclass(frozen=True)
class Completeness:
    office_code: str
    role: str
    deadline: dt.date | None  # the sending deadline (terkirim)
    today: dt.date
    groups: tuple[KecamatanGroup, ...]
    deadlines: Mapping[DeadlineStage, dt.date | None] = field(default_factory=dict)

    def lines(self) -> list[VillageLine]:
        return [v for g in self.groups for v in g.villages]

    def totals(self) -> dict[str, Any]:
        """The whole area's row: at the kabupaten the regency, at a kecamatan its villages."""
        return totals_of(self.lines())

    def passed(self, stage: DeadlineStage) -> bool:
        deadline = self.deadlines.get(stage)
        return deadline is not None and self.today > deadline

    def as_dict(self) -> dict[str, Any]:
        return {
            "office": self.office_code,
            "role": self.role,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadlines": {
                s.value: {
                    "label": deadline_stage_label(s),
                    "date": d.isoformat() if d else None,
                    "passed": self.passed(s),
                }
                for s, d in self.deadlines.items()
            },
            "today": self.today.isoformat(),
            "totals": self.totals(),
            "groups": [g.as_dict() for g in self.groups],
        }


@dataclass(frozen=True)
class CompletenessFilter:
    """What the page and the command narrow the list to; kecamatan totals stay whole."""

    kecamatan: str | None = None
    stage: str | None = None  # a VillageStage value
    late_only: bool = False

    def keeps(self, line: VillageLine) -> bool:
        if self.stage is not None and line.status.stage != self.stage:
            return False
        return not self.late_only or line.overdue

    def apply(self, report: Completeness) -> list[tuple[KecamatanGroup, list[VillageLine]]]:
        """The groups with at least one village left, each with the villages kept."""
        out = []
        for group in report.groups:
            if self.kecamatan is not None and group.code != self.kecamatan:
                continue
            kept = [v for v in group.villages if self.keeps(v)]
            if kept:
                out.append((group, kept))
        return out


def _parse_date(value: dt.date | str | None) -> dt.date | None:
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise UserError(
            _("Tenggat tidak valid: {value}. Tulis tanggal sebagai TTTT-BB-HH.").format(
                value=value
            ),
            code="completeness.bad_deadline",
        ) from exc


def parse_stage(value: str) -> DeadlineStage:
    try:
        return DeadlineStage(value.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError as exc:
        raise UserError(
            _("Tahap tenggat tidak dikenal: {value}. Pilih salah satu: {choices}.").format(
                value=value, choices=", ".join(s.value for s in DeadlineStage)
            ),
            code="completeness.bad_stage",
        ) from exc


def _read_deadlines(session: Any, role: str) -> dict[DeadlineStage, dt.date | None]:
    out: dict[DeadlineStage, dt.date | None] = {}
    for stage in stages_for(role):
        row = session.get(Setting, DEADLINE_KEYS[stage])
        out[stage] = dt.date.fromisoformat(row.value) if row and row.value else None
    return out


def stage_deadlines(ctx: AppContext) -> dict[DeadlineStage, dt.date | None]:
    """The deadline of each stage this office sets (None where it set none)."""
    with ctx.db.session() as session:
        return _read_deadlines(session, ctx.office.role)


def get_deadline(ctx: AppContext) -> dt.date | None:
    with ctx.db.session() as session:
        row = session.get(Setting, DEADLINE_KEY)
    return dt.date.fromisoformat(row.value) if row and row.value else None


def set_deadline(ctx: AppContext, deadline: dt.date | str | None) -> Change:
    """The date by which every village should have sent its data; None clears it."""
    return set_stage_deadlines(ctx, {DeadlineStage.TERKIRIM: deadline})


def set_stage_deadline(
    ctx: AppContext, stage: DeadlineStage | str, deadline: dt.date | str | None
) -> Change:
    """One stage's deadline; None clears it."""
    return set_stage_deadlines(ctx, {parse_stage(str(stage)): deadline})


def set_stage_deadlines(
    ctx: AppContext, deadlines: Mapping[DeadlineStage | str, dt.date | str | None]
) -> Change:
    """Several stages' deadlines in one transaction; stages not named keep theirs.

    The deadlines must follow the stages' order (a village is verified after it sent); nothing
    is stored when one is wrong."""
    parsed = {parse_stage(str(s)): _parse_date(d) for s, d in deadlines.items()}
    _check_role(ctx)
    allowed = stages_for(ctx.office.role)
    for stage in parsed:
        if stage not in allowed:
            raise UserError(
                _(
                    "Tenggat tahap {stage} ditetapkan oleh kabupaten; kecamatan menetapkan "
                    "tenggat pengiriman (terkirim) saja."
                ).format(stage=deadline_stage_label(stage)),
                code="completeness.stage_not_here",
            )
    with ctx.db.transaction() as session:
        merged = _read_deadlines(session, ctx.office.role)
        merged.update(parsed)
        _check_order(merged)
        for stage, day in parsed.items():
            session.merge(Setting(key=DEADLINE_KEYS[stage], value=day.isoformat() if day else ""))
    return Change(Action.SETTINGS, details={"keys": [DEADLINE_KEYS[s] for s in parsed]})


def _check_order(deadlines: Mapping[DeadlineStage, dt.date | None]) -> None:
    earlier: tuple[DeadlineStage, dt.date] | None = None
    for stage in DeadlineStage:
        day = deadlines.get(stage)
        if day is None:
            continue
        if earlier is not None and day < earlier[1]:
            raise UserError(
                _(
                    "Tenggat {later} ({later_date}) lebih awal dari tenggat {first} "
                    "({first_date}). Urutan tahap: terkirim, diverifikasi kecamatan, diterima "
                    "kabupaten; perbaiki salah satu tanggal."
                ).format(
                    later=deadline_stage_label(stage),
                    later_date=day.isoformat(),
                    first=deadline_stage_label(earlier[0]),
                    first_date=earlier[1].isoformat(),
                ),
                code="completeness.deadline_order",
            )
        earlier = (stage, day)


def _check_role(ctx: AppContext) -> None:
    if ctx.office.role == "desa":
        raise UserError(
            _("Kelengkapan data desa disusun di kecamatan dan kabupaten, bukan di desa."),
            code="completeness.not_for_desa",
        )


def completeness(ctx: AppContext, today: dt.date | None = None) -> Completeness:
    _check_role(ctx)
    office = ctx.office
    today = today or ctx.clock().date()
    with ctx.db.session() as session:
        deadlines = _read_deadlines(session, office.role)
        conn = raw(session)
        if office.role == "kecamatan":
            kecamatan = [(office.code, _region_name(session, office.code) or office.name)]
        else:
            kecamatan = [
                (code, f"Kecamatan {name}")
                for code, name in conn.execute(
                    "SELECT code, name FROM region WHERE parent_code = :office ORDER BY code",
                    {"office": office.code},
                )
            ]
        names = {code: name for code, name in kecamatan}
        villages: dict[str, list[tuple[str, str, str]]] = {code: [] for code in names}
        where, binds = conn.among("parent_code", "parent", list(names))
        for code, name, kind, parent in conn.execute(
            f"SELECT code, name, kind, parent_code FROM region WHERE {where} ORDER BY code", binds
        ):
            villages[parent].append((code, name, kind))
        codes = [code for rows in villages.values() for code, _n, _k in rows]
        last = _last_bundles(session, codes, office.code, names)
        statuses = village_statuses(session, codes, set(last), cache=cache_file(ctx.paths.root))
    passed = [s for s, d in deadlines.items() if d is not None and today > d]
    groups = []
    for code, name in kecamatan:
        lines = []
        for region_code, region_name, kind in villages[code]:
            status = statuses[region_code]
            late = tuple(s for s in passed if status.stage not in REACHED[s])
            lines.append(
                VillageLine(
                    region_code,
                    _display(kind, region_name),
                    kind,
                    last.get(region_code),
                    status,
                    overdue=bool(late),
                    late_stages=late,
                )
            )
        groups.append(KecamatanGroup(code, name, tuple(lines)))
    return Completeness(
        office.code,
        office.role,
        deadlines.get(DeadlineStage.TERKIRIM),
        today,
        tuple(groups),
        deadlines,
    )


def _region_name(session: Any, code: str) -> str | None:
    row = session.get(Region, code)
    return f"Kecamatan {row.name}" if row else None


def _display(kind: str, name: str) -> str:
    prefix = {"kelurahan": "Kelurahan ", "desa": "Desa ", "desa_adat": "Desa Adat "}
    return prefix.get(kind, "") + name


def _last_bundles(
    session: Any, codes: list[str], own: str, kecamatan_names: Mapping[str, str]
) -> dict[str, LastBundle]:
    """The highest-numbered bundle imported from each village (its own, or nested in a forward),
    and the kecamatan it came through: ``forwarded_by`` names the forwarding office, or (older
    rows) the outer bundle, whose sender it is. At a kecamatan the column names the kecamatan
    itself once it forwarded the bundle on: that is no route in."""
    wanted = set(codes)
    rows: dict[str, tuple[Any, ...]] = {}
    for row in raw(session).execute(
        "SELECT l.sender_office, l.sequence, l.bundle_created_at, l.imported_at, "
        "l.forwarded_by, o.sender_office FROM bundle_ledger l "
        "LEFT JOIN bundle_ledger o ON o.content_hash = l.forwarded_by "
        "ORDER BY l.sender_office, l.sequence"
    ):
        if row[0] in wanted:
            rows[row[0]] = row
    out: dict[str, LastBundle] = {}
    for sender, (_s, sequence, created, received, forwarded, outer) in rows.items():
        via = None
        if forwarded:
            via = forwarded if level_of_code(forwarded) is not None else (outer or forwarded)
            if via == own:
                via = None
        out[sender] = LastBundle(
            sequence,
            as_datetime(created),
            as_datetime(received),
            forwarded,
            via,
            (kecamatan_names.get(via) or via) if via else None,
        )
    return out
