"""The kabupaten's annex to the masterplan (``report annex``, Laporan page): gathers the
completeness, every registered analysis view and the proposals not accommodated, and hands them
to ``reports.annex`` as plain data.

- ``build_annex(ctx, out, progress=None, *, language=None, row_limit=ROW_LIMIT) -> Path``

Every view in ``services.analysis.VIEWS`` gets its section, in the registry's order, so a view
added there appears without a change here. A table longer than ``row_limit`` rows is cut to its
first rows in the view's own order (a ranking: the top) and the annex says how to get the whole
table as XLSX. Written beside the target and renamed into place (``services.reports``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import text

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import ReviewState, state_label
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.reports.annex import build_annex_pdf
from smartcity_desktop.reports.annex_data import (
    AnnexChart,
    AnnexColumn,
    AnnexData,
    AnnexTable,
    AnnexView,
    CompletenessLine,
    NotAccommodated,
)
from smartcity_desktop.reports.dates import to_local
from smartcity_desktop.reports.kecamatan_data import Signatory
from smartcity_desktop.reports.progress import ReportProgress, check_cancelled
from smartcity_desktop.services.analysis.cutoff import data_cut_off
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.registry import VIEWS
from smartcity_desktop.services.analysis.result import Chart, Table, ViewResult
from smartcity_desktop.services.completeness import Completeness, completeness
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.reports import _letterhead, write_report
from smartcity_desktop.services.settings import get_settings

__all__ = ["CHART_CATEGORIES", "CHART_SERIES", "ROW_LIMIT", "build_annex", "gather_annex_data"]

ROW_LIMIT = 100  # rows of one table printed in the annex; the XLSX has them all
LIST_LIMIT = 500  # proposals not accommodated printed; the review list has them all
CHART_CATEGORIES = 30  # bars a chart can show legibly on a page
CHART_SERIES = 10  # colours a reader can tell apart; the rest are summed into "Lainnya"
KIND_TABLES = (
    ("problem", N_("Permasalahan")),
    ("potential", N_("Potensi")),
    ("proposal", N_("Usulan inovasi")),
)
NOT_ACCOMMODATED = (ReviewState.DITOLAK.value, ReviewState.DIALIHKAN.value)


def _check_kabupaten(ctx: AppContext) -> None:
    if ctx.office.role != "kabupaten":
        raise UserError(
            _(
                "Lampiran rekapitulasi dibuat oleh kantor kabupaten/kota atas seluruh wilayahnya. "
                "Kantor ini adalah {office}."
            ).format(office=ctx.office.name),
            code="report.kabupaten_only",
        )


def build_annex(
    ctx: AppContext,
    out_path: Path,
    progress: ReportProgress | None = None,
    *,
    language: str | None = None,
    row_limit: int = ROW_LIMIT,
) -> Path:
    """Write the annex PDF to ``out_path`` and return it (absolute)."""
    _check_kabupaten(ctx)

    def gather(c: AppContext, p: ReportProgress | None) -> AnnexData:
        return gather_annex_data(c, p, row_limit=row_limit)

    return write_report(ctx, out_path, progress, language, gather, build_annex_pdf)


def gather_annex_data(
    ctx: AppContext, progress: ReportProgress | None = None, *, row_limit: int = ROW_LIMIT
) -> AnnexData:
    _check_kabupaten(ctx)
    steps = len(VIEWS) + 2

    def step(done: int, message: str) -> None:
        check_cancelled(progress)
        if progress is not None:
            progress.report(done, steps, message)

    step(0, _("Menghitung kelengkapan data desa"))
    settings = get_settings(ctx)
    letterhead, head_title = _letterhead(ctx, settings["office_address"])
    report = completeness(ctx)
    views = []
    for n, spec in enumerate(VIEWS.values(), 1):
        step(n, _("Menghitung {view}").format(view=_(spec.title)))
        views.append(_view(ctx, spec.name, _(spec.title), _(spec.summary), row_limit))
    step(steps - 1, _("Menyusun usulan yang tidak diakomodasi"))
    listed, total = not_accommodated(ctx, report)
    by_kecamatan = _by_kecamatan(listed, report)
    cut_off = data_cut_off(ctx)
    head = Signatory(f"{head_title} {letterhead.regency_place}", settings["kepala_desa_name"])
    return AnnexData(
        letterhead=letterhead,
        head=head,
        operator=Signatory(_("Operator"), ctx.office.operator),
        fingerprint=office_fingerprint(ctx),
        generated_at=to_local(ctx.clock()),
        cut_off=to_local(cut_off) if cut_off else None,
        deadline=report.deadline,
        record_counts=_record_counts(ctx),
        completeness=_completeness_lines(report),
        views=tuple(views),
        not_accommodated=tuple(listed[:LIST_LIMIT]),
        not_accommodated_total=total,
        not_accommodated_by_kecamatan=by_kecamatan,
        row_limit=row_limit,
    )


# --- views ------------------------------------------------------------------------------------


def _view(ctx: AppContext, name: str, title: str, summary: str, row_limit: int) -> AnnexView:
    try:
        result = VIEWS[name].compute(ctx, AnalysisFilter())
    except UserError as exc:
        # One view that cannot be computed here must not keep the others out of the annex.
        return AnnexView(
            name,
            title,
            summary,
            error=_("Tampilan ini tidak dapat dihitung: {reason}").format(reason=exc),
        )
    return annex_view(result, summary, row_limit)


def annex_view(result: ViewResult, summary: str, row_limit: int = ROW_LIMIT) -> AnnexView:
    """A computed view as the annex prints it: tables cut to ``row_limit`` rows."""
    return AnnexView(
        result.view,
        result.title,
        summary,
        tuple(_table(result.view, t, row_limit) for t in result.tables),
        tuple(result.notes),
        tuple(result.describe_filter()),
    )


def _table(view: str, table: Table, row_limit: int) -> AnnexTable:
    # Internal columns (an isu's key, the parts its readable name already shows) are data for
    # spreadsheets and scripts, not for a printed page.
    shown = [n for n, c in enumerate(table.columns) if not c.internal]

    def cells(values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(values[n] for n in shown)

    return AnnexTable(
        title=table.title,
        columns=tuple(
            AnnexColumn(c.title, c.type.value, c.heat) for c in table.columns if not c.internal
        ),
        rows=tuple(cells(r.values) for r in table.rows[:row_limit]),
        totals=cells(table.totals.values) if table.totals is not None else None,
        chart=annex_chart(table.chart) if table.chart is not None else None,
        note=table.note,
        total_rows=len(table.rows),
        export_hint=_(
            "perintah smartcity analysis {view} --xlsx BERKAS.xlsx, atau Ekspor XLSX di halaman "
            "analisis."
        ).format(view=view),
    )


def annex_chart(chart: Chart) -> AnnexChart:
    """``chart`` with at most CHART_CATEGORIES bars (the largest) and CHART_SERIES colours."""
    categories = list(chart.categories)
    series = [(s.name, list(s.values)) for s in chart.series]
    notes = []
    if len(categories) > CHART_CATEGORIES:
        sums = [sum(s[1][i] for s in series) for i in range(len(categories))]
        keep = sorted(sorted(range(len(categories)), key=lambda i: -sums[i])[:CHART_CATEGORIES])
        notes.append(
            _("Grafik menampilkan {shown} kategori terbesar dari {total}.").format(
                shown=len(keep), total=len(categories)
            )
        )
        categories = [categories[i] for i in keep]
        series = [(name, [values[i] for i in keep]) for name, values in series]
    if len(series) > CHART_SERIES:
        order = sorted(range(len(series)), key=lambda n: -sum(series[n][1]))
        kept = sorted(order[: CHART_SERIES - 1])
        rest = [series[n][1] for n in order[CHART_SERIES - 1 :]]
        if chart.stacked:
            merged = [sum(v[i] for v in rest) for i in range(len(categories))]
            series = [series[n] for n in kept] + [(_("Lainnya"), merged)]
            notes.append(
                _("Deret selain {n} terbesar dijumlahkan sebagai Lainnya.").format(
                    n=CHART_SERIES - 1
                )
            )
        else:
            series = [series[n] for n in kept]
            notes.append(_("Grafik menampilkan {n} deret terbesar.").format(n=len(kept)))
    return AnnexChart(
        chart.title,
        tuple(categories),
        tuple((name, tuple(float(v) for v in values)) for name, values in series),
        stacked=chart.stacked,
        horizontal=chart.horizontal,
        value_label=chart.value_label,
        note=" ".join(notes),
    )


# --- completeness and counts ------------------------------------------------------------------


def _completeness_lines(report: Completeness) -> tuple[CompletenessLine, ...]:
    lines = []
    for group in report.groups:
        totals = group.totals()
        lines.append(
            CompletenessLine(
                group.name,
                totals["villages"],
                totals["sent"],
                totals["verified"],
                totals["accepted"],
                totals["records"],
            )
        )
    return tuple(lines)


def _record_counts(ctx: AppContext) -> tuple[tuple[str, int], ...]:
    out = []
    with ctx.db.session() as session:
        for table, label in KIND_TABLES:
            n = session.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE deleted = false AND status = 'final' "
                    "AND office_code LIKE :area"
                ),
                {"area": ctx.office.code + ".%"},
            ).scalar()
            out.append((_(label), int(n or 0)))
    return tuple(out)


# --- proposals not accommodated ---------------------------------------------------------------


def not_accommodated(ctx: AppContext, report: Completeness) -> tuple[list[NotAccommodated], int]:
    """Proposals whose deciding review is ditolak or dialihkan: the kabupaten's own review when
    it made one, else the village's kecamatan's. Ordered by kecamatan, village and title."""
    names: dict[str, str] = {ctx.office.code: ctx.office.name}
    for group in report.groups:
        names[group.code] = group.name
        for line in group.villages:
            names[line.code] = line.name
    own = ctx.office.code
    # proposal id -> (level, row): level 1 for the kabupaten's review, 0 for the kecamatan's.
    deciding: dict[str, tuple[int, Sequence[Any]]] = {}
    with ctx.db.session() as session:
        rows = session.execute(
            text(
                "SELECT p.id, p.office_code, p.title, p.dimension, v.office_code, v.state, "
                "v.reason, v.comment, v.redirect_urusan, v.redirect_opd, v.redirect_level "
                "FROM review v JOIN proposal p ON p.id = v.target_id "
                "WHERE v.deleted = false AND v.target_kind = 'proposal' AND p.deleted = false "
                "AND p.status = 'final' AND p.office_code LIKE :area "
                "AND (v.office_code = :own OR v.state IN (:s1, :s2))"
            ),
            {"area": own + ".%", "own": own, "s1": NOT_ACCOMMODATED[0], "s2": NOT_ACCOMMODATED[1]},
        )
        for found_row in rows:
            row: Sequence[Any] = tuple(found_row)
            desa, reviewer = row[1], row[4]
            if reviewer == own:
                level = 1
            elif desa.rsplit(".", 1)[0] == reviewer:
                level = 0
            else:
                continue  # another office's review (a merged-in kecamatan): not a decision here
            found = deciding.get(row[0])
            if found is None or level > found[0]:
                deciding[row[0]] = (level, row)
    dimensions = ref_list("dimensions")
    out = []
    for _level, row in deciding.values():
        if row[5] not in NOT_ACCOMMODATED:
            continue
        desa = str(row[1])
        kecamatan = desa.rsplit(".", 1)[0]
        out.append(
            (
                (kecamatan, desa, row[2] or ""),
                NotAccommodated(
                    kecamatan=names.get(kecamatan, kecamatan),
                    desa=names.get(desa, desa),
                    title=row[2] or "",
                    dimension=dimensions.label(row[3]) if row[3] else "",
                    reviewer=names.get(row[4], str(row[4])),
                    decision=state_label(row[5]),
                    state=str(row[5]),
                    reason=_reason(row[6], row[7], row[8], row[9], row[10]),
                ),
            )
        )
    out.sort(key=lambda pair: pair[0])
    return [item for _key, item in out], len(out)


def _by_kecamatan(
    items: Sequence[NotAccommodated], report: Completeness
) -> tuple[tuple[str, int, int], ...]:
    rejected = ReviewState.DITOLAK.value
    counts: dict[str, list[int]] = {group.name: [0, 0] for group in report.groups}
    for item in items:
        line = counts.setdefault(item.kecamatan, [0, 0])
        line[0 if item.state == rejected else 1] += 1
    return tuple((name, n[0], n[1]) for name, n in counts.items())


def _reason(
    reason: str | None,
    comment: str | None,
    urusan: str | None,
    opd: str | None,
    level: str | None,
) -> str:
    parts = []
    if reason:
        parts.append(ref_list("alasan_review").label(reason))
    redirect = []
    if urusan:
        redirect.append(_("urusan {name}").format(name=ref_list("urusan").label(urusan)))
    if opd:
        redirect.append(_("OPD {name}").format(name=opd))
    if level:
        redirect.append(
            _("tingkat {name}").format(name=ref_list("tingkat_pengalihan").label(level))
        )
    if redirect:
        parts.append(_("dialihkan ke {where}").format(where=", ".join(redirect)))
    if comment and comment.strip():
        parts.append(comment.strip())
    return "; ".join(parts)
