"""Turn an ``AnalysisFilter`` into the villages and the SQL condition every view shares.

All views count village records only (never a kecamatan's or the kabupaten's own rows), live
revisions only (``deleted = 0``), inside this office's area. Villages are taken from the region
list, so a desa that never sent anything is still a row where a view lists villages.

A stage filter needs each village's stage (``services.review.stages``), which reads every
record's revision: it is kept per office file until the reviews or the ledger change, so a
second filter change does not pay for it again, and each village's costly part is kept in the
completeness page's cache file, so that a new process reads only the villages whose rows changed.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from smartcity_desktop.domain.regions import level_of_code, parent_of
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import AnalysisFilter, FilterRefused
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Region

KIND_TABLES = ("problem", "potential", "proposal")


@dataclass(frozen=True)
class Area:
    """The kecamatan and villages a view covers, with display names."""

    office_code: str
    kecamatan: tuple[str, ...]  # codes, in code order
    desa: tuple[str, ...]  # codes of the villages that pass the filter, in code order
    names: dict[str, str]  # region code -> display name ("Kecamatan X", "Desa Y")
    desa_kecamatan: dict[str, str]  # desa code -> kecamatan code

    def desa_of(self, kecamatan: str) -> list[str]:
        return [d for d in self.desa if self.desa_kecamatan[d] == kecamatan]


@dataclass(frozen=True)
class Scope:
    """The filter resolved for this office: ``where(alias)`` is the shared SQL condition."""

    filter: AnalysisFilter
    area: Area

    def where(self, alias: str = "") -> tuple[str, dict[str, Any]]:
        """A condition on a record table (problem, potential or proposal) and its parameters.

        Parameter names start with ``f_`` so that a view can add its own beside them.
        """
        col = f"{alias}." if alias else ""
        params: dict[str, Any] = {}
        if not self.area.desa:
            return "1 = 0", params
        names = []
        for n, code in enumerate(self.area.desa):
            params[f"f_d{n}"] = code
            names.append(f":f_d{n}")
        # "NOT deleted", not "deleted = 0": SQLite would pick the (deleted, title, ...) index for
        # the equality and fetch every row through it, several times slower than reading the
        # villages' rows through the office_code index.
        parts = [f"NOT {col}deleted", f"{col}office_code IN ({', '.join(names)})"]
        flt = self.filter
        if flt.dimension:
            parts.append(f"{col}dimension = :f_dimension")
            params["f_dimension"] = flt.dimension
        if flt.trust:
            parts.append(f"{col}trust_level = :f_trust")
            params["f_trust"] = flt.trust
        if flt.date_from:
            parts.append(f"{col}created_at >= :f_from")
            params["f_from"] = flt.date_from.isoformat()
        if flt.date_to:
            parts.append(f"{col}created_at < :f_to")
            params["f_to"] = (flt.date_to + dt.timedelta(days=1)).isoformat()
        return " AND ".join(parts), params


class AnalysisRefused(UserError):
    code = "analysis.refused"


def resolve(ctx: AppContext, flt: AnalysisFilter) -> Scope:
    """The scope of ``flt`` at this office; refuses a desa office and areas outside its own."""
    office = ctx.office
    if office.role == "desa":
        raise AnalysisRefused(
            _(
                "Analisis antar desa tersedia di kantor kecamatan dan kabupaten; kantor desa hanya "
                "melihat catatannya sendiri."
            ),
            code="analysis.desa",
        )
    _check_inside(office.code, office.name, flt.kecamatan, "kecamatan")
    _check_inside(office.code, office.name, flt.desa, "desa_kelurahan")
    if flt.kecamatan and flt.desa and parent_of(flt.desa) != flt.kecamatan:
        raise FilterRefused(
            _("Desa {desa} tidak berada di kecamatan {kecamatan}.").format(
                desa=flt.desa, kecamatan=flt.kecamatan
            ),
            code="analysis.outside_area",
        )
    with ctx.db.session() as session:
        kecamatan, names, desa_kecamatan = _regions(session, office.code, office.role)
    # The office itself by name too (the XLSX's Keterangan names it; a kabupaten is no row of
    # its own area).
    names.setdefault(office.code, office.name)
    if flt.kecamatan:
        kecamatan = [k for k in kecamatan if k == flt.kecamatan]
    wanted = set(kecamatan)
    desa = [d for d, k in desa_kecamatan.items() if k in wanted]
    if flt.desa:
        desa = [d for d in desa if d == flt.desa]
    if flt.stage:
        stages = village_stages(ctx)
        desa = [d for d in desa if stages.get(d) == flt.stage]
    return Scope(
        flt,
        Area(office.code, tuple(kecamatan), tuple(sorted(desa)), names, desa_kecamatan),
    )


def _check_inside(office_code: str, office_name: str, code: str | None, level: str) -> None:
    if code is None:
        return
    if level_of_code(code) != level or not (
        code == office_code or code.startswith(office_code + ".")
    ):
        what = _("Kecamatan") if level == "kecamatan" else _("Desa/kelurahan")
        raise FilterRefused(
            _("{what} {code} tidak berada di wilayah {name}.").format(
                what=what, code=code, name=office_name
            ),
            code="analysis.outside_area",
        )


_PREFIX = {"kecamatan": "Kecamatan ", "kelurahan": "Kelurahan ", "desa": "Desa "}


def _regions(
    session: Session, office_code: str, role: str
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    if role == "kecamatan":
        kecamatan_rows = [session.get(Region, office_code)]
    else:
        kecamatan_rows = list(
            session.scalars(
                select(Region).where(Region.parent_code == office_code).order_by(Region.code)
            )
        )
    names: dict[str, str] = {}
    kecamatan: list[str] = []
    for row in kecamatan_rows:
        if row is None:
            continue
        kecamatan.append(row.code)
        names[row.code] = _PREFIX["kecamatan"] + row.name
    desa_kecamatan: dict[str, str] = {}
    if kecamatan:
        for row in session.scalars(
            select(Region).where(Region.parent_code.in_(kecamatan)).order_by(Region.code)
        ):
            desa_kecamatan[row.code] = row.parent_code or ""
            names[row.code] = _PREFIX.get(row.kind, "") + row.name
    if role == "kecamatan" and office_code not in names:
        names[office_code] = office_code
        kecamatan = [office_code]
    return kecamatan, names, desa_kecamatan


# --- village stages, kept until the reviews or the ledger change ---------------------------

_stage_cache: dict[str, tuple[tuple[Any, ...], dict[str, str]]] = {}
_stage_lock = threading.Lock()


def _fingerprint(session: Session) -> tuple[Any, ...]:
    review = session.execute(
        text("SELECT count(*), max(updated_at), sum(revision) FROM review")
    ).one()
    ledger = session.execute(text("SELECT count(*), max(imported_at) FROM bundle_ledger")).one()
    records = tuple(
        session.execute(text(f"SELECT count(*), sum(revision) FROM {table}")).one()
        for table in KIND_TABLES
    )
    return (*review, *ledger, *records)


def village_stages(ctx: AppContext) -> dict[str, str]:
    """Every village's stage (a ``VillageStage`` value) in this office's area."""
    from smartcity_desktop.services.review.stages import cache_file, village_statuses

    office = ctx.office
    key = str(ctx.db.path.resolve())
    with ctx.db.session() as session:
        print_ = _fingerprint(session)
        with _stage_lock:
            hit = _stage_cache.get(key)
            if hit is not None and hit[0] == print_:
                return hit[1]
        _kecamatan, _names, desa_kecamatan = _regions(session, office.code, office.role)
        senders = set(
            session.execute(text("SELECT DISTINCT sender_office FROM bundle_ledger")).scalars()
        )
        # With the completeness page's kept part of every village (a file): the first stage
        # filter of a process reads only what changed since, not every record of the area.
        statuses = village_statuses(
            session, list(desa_kecamatan), senders, cache=cache_file(ctx.paths.root)
        )
    stages = {code: status.stage.value for code, status in statuses.items()}
    with _stage_lock:
        _stage_cache[key] = (print_, stages)
    return stages
