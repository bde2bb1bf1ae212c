"""Where a record shown above the village comes from: its desa and kecamatan by name, how its
sender was trusted, and the bundles that brought it here.

Names come from the office's region list (a few hundred codes under a kabupaten), read once into a
code-to-name map; record lists carry only codes and look names up in that map, never per row in
the database.

What is stored about a received record's travel: ``source_bundle`` is the content hash of the
bundle that brought its current revision (a later bundle carrying the same revision again leaves
it unchanged), and ``bundle_ledger`` holds every imported bundle with its sender, sequence number,
dates and ``forwarded_by``. Which earlier bundle carried which earlier revision is not recorded per
record, so earlier bundles of the same sender are listed as the ones that may have carried them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.regions import Region, level_of_code
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.origin_columns import KECAMATAN_CODE_LENGTH
from smartcity_desktop.services.records import RecordNotFound
from smartcity_desktop.storage.models import RECORD_MODELS, BundleLedger
from smartcity_desktop.storage.models import Region as RegionRow

EARLIER_SHOWN = 5  # a sender's older bundles listed with a record; the count of the rest is given

TRUST_LABELS = {"certified": N_("bersertifikat"), "locally_trusted": N_("dipercaya lokal")}


def trust_label(level: str | None) -> str:
    """The trust mark as the README words it; "" for this office's own rows."""
    if not level:
        return ""
    return _(TRUST_LABELS[level]) if level in TRUST_LABELS else level


def shows_origin(ctx: AppContext) -> bool:
    """Only offices above the village hold other offices' records; a desa sees its own."""
    return ctx.office.role != "desa"


@dataclass(frozen=True)
class OriginPlaces:
    """The kecamatan and desa under this office, by code, with their display names."""

    names: dict[str, str]  # code -> "Desa Sagara Makmur", "Kecamatan Tarumajaya", ...
    bare_names: dict[str, str]  # code -> "Sagara Makmur", "Tarumajaya", ...
    kecamatan: list[tuple[str, str]]  # (code, name) in code order
    desa_by_kecamatan: dict[str, list[tuple[str, str]]]

    def name(self, code: str | None) -> str:
        if not code:
            return ""
        return self.names.get(code, code)

    def short_name(self, code: str | None) -> str:
        """The name without "Desa"/"Kecamatan", for a column whose header says which."""
        if not code:
            return ""
        return self.bare_names.get(code, code)

    def desa_choices(self, kecamatan: str | None) -> list[tuple[str, str]]:
        if kecamatan is None:
            return [d for k, _n in self.kecamatan for d in self.desa_by_kecamatan.get(k, [])]
        return list(self.desa_by_kecamatan.get(kecamatan, []))


def origin_places(ctx: AppContext) -> OriginPlaces:
    """Every kecamatan and desa under this office from its region list (one query)."""
    own = ctx.office.code
    with ctx.db.session() as session:
        rows = session.scalars(
            # A code range rather than LIKE, so the primary key index is used: every region
            # below this office has a code starting with "<own>.".
            select(RegionRow).where(
                or_(
                    RegionRow.code == own,
                    (RegionRow.code > own + ".") & (RegionRow.code < own + "/"),
                )
            )
        ).all()
        regions = [Region(r.code, r.name, r.level, r.kind, r.parent_code) for r in rows]
    names = {r.code: r.display_name for r in regions}
    bare = {r.code: r.name for r in regions}
    kecamatan = sorted(
        ((r.code, r.display_name) for r in regions if r.level == "kecamatan"),
    )
    desa: dict[str, list[tuple[str, str]]] = {}
    for r in sorted(regions, key=lambda r: r.code):
        if r.level == "desa_kelurahan" and r.parent_code:
            desa.setdefault(r.parent_code, []).append((r.code, r.display_name))
    return OriginPlaces(names, bare, kecamatan, desa)


@dataclass(frozen=True)
class BundleOrigin:
    content_hash: str
    sender_office: str
    sender_name: str
    sequence: int
    created_at: datetime  # naive UTC, as stored
    imported_at: datetime  # naive UTC
    trust_level: str
    file_name: str
    via_office: str | None  # the forwarding kecamatan's code; None when received directly
    via_name: str | None
    current: bool  # this bundle brought the record's current revision

    @property
    def via_label(self) -> str:
        return self.via_name or _("langsung")


@dataclass(frozen=True)
class RecordProvenance:
    record_id: str
    kind: RecordKind
    owner_office: str
    owned_here: bool
    revision: int
    desa_code: str | None
    desa_name: str
    kecamatan_code: str | None
    kecamatan_name: str
    trust_level: str | None
    bundles: list[BundleOrigin]  # the current revision's bundle first, then earlier ones
    more_earlier: int  # earlier bundles of the same sender not in ``bundles``
    source_bundle: str | None

    @property
    def owner_name(self) -> str:
        return self.desa_name or self.kecamatan_name or self.owner_office

    @property
    def trust(self) -> str:
        return trust_label(self.trust_level)

    @property
    def current_bundle(self) -> BundleOrigin | None:
        return next((b for b in self.bundles if b.current), None)


def _owner_codes(office_code: str) -> tuple[str | None, str | None]:
    level = level_of_code(office_code)
    desa = office_code if level == "desa_kelurahan" else None
    kecamatan = (
        office_code[:KECAMATAN_CODE_LENGTH] if level in ("desa_kelurahan", "kecamatan") else None
    )
    return desa, kecamatan


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.scalars(select(RegionRow).where(RegionRow.code.in_(codes))).all()
    return {
        r.code: Region(r.code, r.name, r.level, r.kind, r.parent_code).display_name for r in rows
    }


def _via_office(session: Session, forwarded_by: str | None) -> str | None:
    """``forwarded_by`` names the forwarding office, or the outer bundle it came nested in."""
    if not forwarded_by:
        return None
    if level_of_code(forwarded_by) is not None:
        return forwarded_by
    outer = session.get(BundleLedger, forwarded_by)
    return outer.sender_office if outer is not None else forwarded_by


def record_provenance(ctx: AppContext, kind: RecordKind, record_id: str) -> RecordProvenance:
    """Everything the record view shows about where a record came from (one short session)."""
    model = RECORD_MODELS[RecordKind(kind).value]
    with ctx.db.session() as session:
        row = session.execute(
            select(model.office_code, model.revision, model.trust_level, model.source_bundle).where(
                model.id == record_id
            )
        ).one_or_none()
        if row is None:
            raise RecordNotFound(_("Catatan tidak ditemukan (mungkin sudah dihapus)."))
        owner, revision, trust_level, source_bundle = row
        current = session.get(BundleLedger, source_bundle) if source_bundle else None
        earlier_query = (
            select(BundleLedger)
            .where(BundleLedger.sender_office == owner)
            .order_by(BundleLedger.sequence.desc(), BundleLedger.imported_at.desc())
        )
        if current is not None:
            earlier_query = earlier_query.where(BundleLedger.sequence < current.sequence)
        # Without a current bundle (this office's own record) there is nothing to list.
        earlier: list[BundleLedger] = []
        more_earlier = 0
        if current is not None:
            earlier = list(session.scalars(earlier_query.limit(EARLIER_SHOWN)).all())
            if len(earlier) == EARLIER_SHOWN:
                more_earlier = (
                    session.scalar(
                        select(func.count())
                        .select_from(BundleLedger)
                        .where(
                            BundleLedger.sender_office == owner,
                            BundleLedger.sequence < current.sequence,
                        )
                    )
                    or 0
                ) - EARLIER_SHOWN
        ledger_rows = ([current] if current is not None else []) + earlier
        vias = {r.content_hash: _via_office(session, r.forwarded_by) for r in ledger_rows}
        desa, kecamatan = _owner_codes(owner)
        codes = {c for c in (desa, kecamatan, owner) if c}
        codes |= {r.sender_office for r in ledger_rows}
        codes |= {v for v in vias.values() if v}
        names = _names(session, codes)
        bundles = [
            BundleOrigin(
                content_hash=r.content_hash,
                sender_office=r.sender_office,
                sender_name=names.get(r.sender_office, r.sender_office),
                sequence=r.sequence,
                created_at=r.bundle_created_at,
                imported_at=r.imported_at,
                trust_level=r.trust_level,
                file_name=r.file_name,
                via_office=vias[r.content_hash],
                via_name=names.get(v, v) if (v := vias[r.content_hash]) else None,
                current=r is current,
            )
            for r in ledger_rows
        ]
    return RecordProvenance(
        record_id=record_id,
        kind=RecordKind(kind),
        owner_office=owner,
        owned_here=owner == ctx.office.code,
        revision=revision,
        desa_code=desa,
        desa_name=names.get(desa, desa or "") if desa else "",
        kecamatan_code=kecamatan,
        kecamatan_name=names.get(kecamatan, kecamatan or "") if kecamatan else "",
        trust_level=trust_level,
        bundles=bundles,
        more_earlier=more_earlier,
        source_bundle=source_bundle,
    )
