"""Small pieces the views share: codes in reference-list order, labels for codes that are not
filled in, drills on a dimension, and the ``ViewResult`` with its cut-off and time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.result import Drill, Table, ViewResult
from smartcity_desktop.services.analysis.scope import Area
from smartcity_desktop.services.context import AppContext


def short_name(area: Area, code: str) -> str:
    """A kecamatan's name without the word "Kecamatan" (a column title)."""
    return area.names.get(code, code).removeprefix("Kecamatan ")


def ordered(list_name: str, found: Iterable[str | None], every: bool = True) -> list[str | None]:
    """Codes in the reference list's order (all of them when ``every``, else those found), then
    codes the list does not know, then "not filled in" (``None``) when found."""
    seen = set(found)
    known = ref_list(list_name)
    codes: list[str | None] = [c for c in known.codes() if every or c in seen]
    codes += sorted(c for c in seen if c is not None and known.get(c) is None)
    if None in seen:
        codes.append(None)
    return codes


def label(list_name: str, code: str | None) -> str:
    if code is None:
        return _("(belum diisi)")
    return ref_list(list_name).label(code)


def where_code(column: str, code: str | None) -> tuple[tuple[str, Any], ...]:
    return ((column, code),)


def on_dimension(
    kinds: tuple[str, ...],
    dimension: str | None,
    *,
    kecamatan: str | None = None,
    where: Sequence[tuple[str, Any]] = (),
    every_dimension: bool = False,
    unlinked: bool = False,
) -> Drill:
    """A drill narrowed to a dimension; "not filled in" is a column condition, because a drill's
    ``dimension=None`` means "any dimension" (``every_dimension``)."""
    extra = tuple(where)
    if dimension is None and not every_dimension:
        extra += (("dimension", None),)
    return Drill(
        kinds,
        kecamatan=kecamatan,
        dimension=None if every_dimension else dimension,
        where=extra,
        unlinked=unlinked,
    )


def result(
    ctx: AppContext,
    name: str,
    title: str,
    flt: AnalysisFilter,
    area: Area,
    tables: Sequence[Table],
    notes: Sequence[tuple[str, str]],
    extra: Mapping[str, Any] | None = None,
) -> ViewResult:
    computed = ctx.clock()
    return ViewResult(
        name,
        title,
        ctx.office.code,
        flt,
        area.names,
        tuple(tables),
        tuple(notes),
        computed_at=computed if isinstance(computed, dt.datetime) else None,
        cut_off=data_cut_off(ctx),
        extra=dict(extra or {}),
    )
