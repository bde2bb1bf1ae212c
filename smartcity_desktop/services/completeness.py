"""Kelengkapan: every village of the area from the region list, whether it sent anything or not.

At a kecamatan: its villages. At the kabupaten: every village, grouped by kecamatan, with kecamatan
totals in percent. For each village: the last bundle received (number and dates, from the bundle
ledger), counts by kind, review progress ("12 dari 40"), stage, and whether it is late against the
deadline this office set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from smartcity_desktop.domain.review import VillageStage, stage_label
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.review.stages import VillageStatus, village_statuses
from smartcity_desktop.services.review.targets import driver
from smartcity_desktop.storage.models import Region, Setting

DEADLINE_KEY = "completeness.deadline"


@dataclass(frozen=True)
class LastBundle:
    sequence: int
    created_at: dt.datetime  # when the village wrote it
    received_at: dt.datetime  # when this office imported it
    forwarded_by: str | None  # the forwarding bundle's hash, when it came nested


@dataclass(frozen=True)
class VillageLine:
    code: str
    name: str
    kind: str  # desa / kelurahan / desa_adat
    last_bundle: LastBundle | None
    status: VillageStatus
    overdue: bool

    @property
    def progress(self) -> str:
        return _("{done} dari {total}").format(done=self.status.reviewed, total=self.status.total)

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
            },
            **self.status.as_dict(),
            "stage_label": stage_label(self.status.stage),
            "progress": self.progress,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class KecamatanGroup:
    code: str
    name: str
    villages: tuple[VillageLine, ...]

    def percent(self, done: int) -> float:
        return round(100.0 * done / len(self.villages), 1) if self.villages else 0.0

    def totals(self) -> dict[str, Any]:
        lines = self.villages
        stages = [v.status.stage for v in lines]
        sent = sum(1 for s in stages if s is not VillageStage.BELUM_KIRIM)
        verified = sum(
            1
            for s in stages
            if s in (VillageStage.DIVERIFIKASI_KECAMATAN, VillageStage.DITERIMA_KABUPATEN)
        )
        accepted = stages.count(VillageStage.DITERIMA_KABUPATEN)
        records = sum(v.status.total for v in lines)
        reviewed = sum(v.status.reviewed for v in lines)
        return {
            "villages": len(lines),
            "sent": sent,
            "sent_percent": self.percent(sent),
            "verified": verified,
            "verified_percent": self.percent(verified),
            "accepted": accepted,
            "accepted_percent": self.percent(accepted),
            "returned": stages.count(VillageStage.DIKEMBALIKAN),
            "overdue": sum(1 for v in lines if v.overdue),
            "records": records,
            "reviewed": reviewed,
            "reviewed_percent": round(100.0 * reviewed / records, 1) if records else 0.0,
        }

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
    deadline: dt.date | None
    today: dt.date
    groups: tuple[KecamatanGroup, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "office": self.office_code,
            "role": self.role,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "today": self.today.isoformat(),
            "groups": [g.as_dict() for g in self.groups],
        }


def get_deadline(ctx: AppContext) -> dt.date | None:
    with ctx.db.session() as session:
        row = session.get(Setting, DEADLINE_KEY)
    return dt.date.fromisoformat(row.value) if row and row.value else None


def set_deadline(ctx: AppContext, deadline: dt.date | str | None) -> Change:
    """The date by which every village should have sent its data; None clears it."""
    if isinstance(deadline, str):
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError as exc:
            raise UserError(
                _("Tenggat tidak valid: {value}. Tulis tanggal sebagai TTTT-BB-HH.").format(
                    value=deadline
                ),
                code="completeness.bad_deadline",
            ) from exc
    _check_role(ctx)
    with ctx.db.transaction() as session:
        session.merge(Setting(key=DEADLINE_KEY, value=deadline.isoformat() if deadline else ""))
    return Change(Action.SETTINGS, details={"keys": [DEADLINE_KEY]})


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
    deadline = get_deadline(ctx)
    with ctx.db.session() as session:
        if office.role == "kecamatan":
            kecamatan = [(office.code, _region_name(session, office.code) or office.name)]
        else:
            kecamatan = [
                (r.code, f"Kecamatan {r.name}")
                for r in session.scalars(
                    select(Region).where(Region.parent_code == office.code).order_by(Region.code)
                )
            ]
        villages = {
            code: list(
                session.scalars(
                    select(Region).where(Region.parent_code == code).order_by(Region.code)
                )
            )
            for code, _name in kecamatan
        }
        codes = [r.code for rows in villages.values() for r in rows]
        last = _last_bundles(session, codes)
        statuses = village_statuses(session, codes, set(last))
    late = deadline is not None and today > deadline
    groups = []
    for code, name in kecamatan:
        lines = []
        for region in villages[code]:
            status = statuses[region.code]
            lines.append(
                VillageLine(
                    region.code,
                    _display(region),
                    region.kind,
                    last.get(region.code),
                    status,
                    overdue=late and status.stage is VillageStage.BELUM_KIRIM,
                )
            )
        groups.append(KecamatanGroup(code, name, tuple(lines)))
    return Completeness(office.code, office.role, deadline, today, tuple(groups))


def _region_name(session: Any, code: str) -> str | None:
    row = session.get(Region, code)
    return f"Kecamatan {row.name}" if row else None


def _display(region: Region) -> str:
    prefix = {"kelurahan": "Kelurahan ", "desa": "Desa ", "desa_adat": "Desa Adat "}
    return prefix.get(region.kind, "") + region.name


def _last_bundles(session: Any, codes: list[str]) -> dict[str, LastBundle]:
    """The highest-numbered bundle imported from each village (its own, or nested in a forward)."""
    wanted = set(codes)
    out: dict[str, LastBundle] = {}
    conn = driver(session)
    for sender, sequence, created, received, forwarded in conn.execute(
        "SELECT sender_office, sequence, bundle_created_at, imported_at, forwarded_by "
        "FROM bundle_ledger ORDER BY sender_office, sequence"
    ):
        if sender in wanted:
            out[sender] = LastBundle(
                sequence,
                dt.datetime.fromisoformat(created),
                dt.datetime.fromisoformat(received),
                forwarded,
            )
    return out
