"""The region list an office works with: bundled Kepmendagri list, replaceable by a newer one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from smartcity_desktop.domain import regions as domain
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Region as RegionRow
from smartcity_desktop.storage.models import Setting

SOURCE_KEY = "regions.source"


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


def store_regions(session: Session, regions: Sequence[domain.Region], source: str) -> None:
    session.execute(delete(RegionRow))
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
            for r in regions
        ],
    )
    session.merge(Setting(key=SOURCE_KEY, value=source))


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
    """Replace the region list with a newer file; a bad file changes nothing."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            _("Berkas {path} tidak dapat dibaca: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    regions = domain.parse_region_csv(data)
    own = ctx.office.code
    codes = {r.code for r in regions}
    if own not in codes:
        raise UserError(
            _(
                "Daftar wilayah baru tidak memuat kode kantor ini ({code}); daftar tidak dimuat."
            ).format(code=own),
            code="regions.office_missing",
        )
    with ctx.db.transaction() as session:
        store_regions(session, regions, source=f"{path.name}")
    return Change(Action.REGIONS, details={"count": len(regions)})


def bundled_regions() -> list[domain.Region]:
    return domain.parse_region_csv(domain.bundled_region_csv())
