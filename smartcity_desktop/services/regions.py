"""The region list an office works with: bundled Kepmendagri list, replaceable by a newer one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, insert, inspect, select, text
from sqlalchemy.orm import Session

from smartcity_desktop.domain import regions as domain
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Region as RegionRow
from smartcity_desktop.storage.models import Setting, TrustStore

SOURCE_KEY = "regions.source"
_BATCH = 5000
T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class RegionView:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None

    @property
    def display_name(self) -> str:
        return domain.Region(
            self.code, self.name, self.level, self.kind, self.parent_code
        ).display_name


def store_regions(session: Session, regions: Iterable[domain.Region], source: str) -> int:
    """Replace the stored list in the caller's transaction, in batches as ``regions`` is read;
    returns how many were stored."""
    session.execute(delete(RegionRow))
    stored = 0
    for batch in batched(regions, _BATCH):
        session.execute(
            insert(RegionRow),
            [
                {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level,
                    "kind": r.kind,
                    "parent_code": r.parent_code,
                }
                for r in batch
            ],
        )
        stored += len(batch)
    session.merge(Setting(key=SOURCE_KEY, value=source))
    return stored


def list_regions(ctx: AppContext, parent: str | None = None) -> list[RegionView]:
    with ctx.db.session() as session:
        query = select(RegionRow)
        if parent is None:
            query = query.where(RegionRow.parent_code.is_(None))
        else:
            query = query.where(RegionRow.parent_code == parent)
        rows = session.scalars(query.order_by(RegionRow.code)).all()
        return [RegionView(r.code, r.name, r.level, r.kind, r.parent_code) for r in rows]


def get_region(ctx: AppContext, code: str) -> RegionView | None:
    with ctx.db.session() as session:
        r = session.get(RegionRow, code)
        return RegionView(r.code, r.name, r.level, r.kind, r.parent_code) if r else None


def region_source(ctx: AppContext) -> str:
    with ctx.db.session() as session:
        row = session.get(Setting, SOURCE_KEY)
        return row.value if row else domain.REGION_SOURCE


def load_region_file(ctx: AppContext, path: Path) -> Change:
    """Replace the region list with a newer file; a bad file changes nothing.

    The file is read as a stream straight into the transaction (see ``domain.regions`` for the
    caps), then refused if the new list lacks a region that this office's data still refers to.
    """
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UserError(
            _("Berkas {path} tidak dapat dibaca: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    with handle:
        if size > domain.MAX_FILE_BYTES:
            raise domain.RegionFileError(
                _(
                    "Berkas {path} berukuran {mb} MB, lebih besar dari batas {limit} MB untuk daftar "
                    "wilayah. Daftar tidak dimuat."
                ).format(path=path, mb=size >> 20, limit=domain.MAX_FILE_BYTES >> 20)
            )
        own = ctx.office.code
        with ctx.db.transaction() as session:
            count = store_regions(session, domain.read_regions(handle), source=f"{path.name}")
            missing = _referenced_but_missing(ctx, session)
            if own in missing:
                raise UserError(
                    _(
                        "Daftar wilayah baru tidak memuat kode kantor ini ({code}); daftar tidak "
                        "dimuat."
                    ).format(code=own),
                    code="regions.office_missing",
                )
            if missing:
                raise UserError(_missing_message(missing), code="regions.referenced_missing")
    return Change(Action.REGIONS, details={"count": count})


# Where the data refers to region codes: (table, column, what it is, as said to the user).
_REFERENCES = (
    ("office_identity", "code", N_("kantor ini")),
    ("problem", "office_code", N_("data permasalahan")),
    ("potential", "office_code", N_("data potensi")),
    ("proposal", "office_code", N_("data usulan")),
    ("attachment", "office_code", N_("lampiran")),
    ("review", "office_code", N_("telaah")),
    ("record_conflict", "office_code", N_("konflik data")),
    ("bundle_ledger", "sender_office", N_("paket yang sudah diimpor")),
    ("issued_certificate", "office_code", N_("sertifikat yang diterbitkan")),
)
_SHOWN = 5


def _referenced_but_missing(ctx: AppContext, session: Session) -> dict[str, str]:
    """Region codes that the data refers to and the just-stored list lacks, each with what
    refers to it first."""
    missing: dict[str, str] = {}
    tables = set(inspect(session.connection()).get_table_names())
    for table, column, label in _REFERENCES:
        if table not in tables:
            continue
        for (code,) in session.execute(
            text(
                # Table and column names come from _REFERENCES above, never from input.
                f"SELECT DISTINCT t.{column} FROM {table} t "
                f"WHERE t.{column} NOT IN (SELECT code FROM region) ORDER BY 1"
            )
        ):
            missing.setdefault(code, _(label))
    trust = session.get(TrustStore, 1)
    if trust is not None:
        from smartcity_desktop.crypto.trust import TrustState

        state = TrustState.from_bytes(trust.document)
        referred = [(pin.office_code, N_("kunci yang disematkan")) for pin in state.pins]
        referred += [(root.regency_code, N_("kunci induk kabupaten")) for root in state.roots]
        referred += [(rl.regency_code, N_("daftar pencabutan")) for rl in state.revocations]
        codes = sorted({code for code, _label in referred})
        present = {
            code
            for (code,) in session.execute(select(RegionRow.code).where(RegionRow.code.in_(codes)))
        }
        for code, label in referred:
            if code not in present:
                missing.setdefault(code, _(label))
    return missing


def _missing_message(missing: dict[str, str]) -> str:
    codes = sorted(missing)
    shown = ", ".join(f"{code} ({missing[code]})" for code in codes[:_SHOWN])
    more = len(codes) - _SHOWN
    if more > 0:
        shown += " " + _("dan {n} lainnya").format(n=more)
    return _(
        "Daftar wilayah baru tidak memuat {n} wilayah yang masih dirujuk data kantor ini: {codes}. "
        "Daftar tidak dimuat; gunakan daftar wilayah yang lengkap."
    ).format(n=len(codes), codes=shown)


def bundled_regions() -> list[domain.Region]:
    return domain.parse_region_csv(domain.bundled_region_csv())
