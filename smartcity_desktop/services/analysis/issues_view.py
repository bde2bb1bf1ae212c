"""Isu strategis as an analysis view: one row per recurring problem (a cluster of
``services.similarity.issues``), with the office's stored merge and split decisions applied.

Clusters are formed over the office's whole area from every problem's key words, which takes
seconds on 200,000 problems; the model is therefore kept until the problems or the decisions
change (``similarity.kept_model``), and a filter change only combines it again:

- a kecamatan and a dimension are served from the sums the model made per kecamatan and
  dimension;
- a desa, stage, trust or period filter selects the problems in SQL and counts the clustered
  ones among them.

``as_dict()`` keeps the keys ``records``, ``clusters`` and ``decisions`` that scripts read from
``smartcity analysis isu-strategis --json`` before it was a registered view.
"""

from __future__ import annotations

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.similarity import sub_element_label
from smartcity_desktop.i18n import _
from smartcity_desktop.services.analysis.filters import AnalysisFilter
from smartcity_desktop.services.analysis.registry import Tick
from smartcity_desktop.services.analysis.result import (
    Chart,
    Column,
    ColumnType,
    Drill,
    Row,
    Series,
    Table,
    ViewResult,
    bar_label,
)
from smartcity_desktop.services.analysis.scope import Scope, resolve
from smartcity_desktop.services.analysis.tabulate import label, result
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.raw_sql import raw
from smartcity_desktop.services.similarity.issues import (
    SEVERITY_RANK,
    IssueCluster,
    IssueResult,
    urusan_label,
)

# forget_models: tests and benchmarks that measure a first computation import it from here too.
from smartcity_desktop.services.similarity.kept_model import forget_models as forget_models
from smartcity_desktop.services.similarity.kept_model import kept_model
from smartcity_desktop.services.similarity.records import AreaFilter

NAME = "isu-strategis"
PROBLEM = ("problem",)
CHART_CLUSTERS = 8  # each bar named whole beside it; more do not fit the chart's height
NO_UNIT = "-"
CHART_WORDS = 3  # shared words naming a bar: the number beside it matches the table's row


def issues(ctx: AppContext, scope: Scope, tick: Tick | None = None) -> IssueResult:
    """The clusters under the scope's filter."""
    flt = scope.filter
    found = kept_model(ctx, tick)
    if not (flt.desa or flt.stage or flt.trust or flt.date_from or flt.date_to):
        return found.view(AreaFilter(kecamatan=flt.kecamatan, dimension=flt.dimension))
    where, params = scope.where("r")
    with ctx.db.session() as session:
        # On the driver (``raw_sql``): a trust level or a stage selects up to every problem of
        # the area, and SQLAlchemy's work per row was most of such a refresh (80,000 ids).
        ids = {
            row[0]
            for row in raw(session).execute(f"SELECT r.id FROM problem r WHERE {where}", params)
        }
    return found.view_of(ids)


def compute(ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
    scope = resolve(ctx, flt)
    found = issues(ctx, scope, tick)
    clusters = found.clusters
    units = list(ref_list("satuan_terdampak").codes())
    if any(NO_UNIT in c.affected for c in clusters):
        units.append(NO_UNIT)
    columns = [
        Column("isu", _("Isu")),
        Column("desa", _("Desa"), ColumnType.INT, heat=True),
        Column("kecamatan", _("Kecamatan"), ColumnType.INT),
        Column("catatan", _("Permasalahan"), ColumnType.INT),
        *(
            Column(
                f"terdampak_{u}",
                _("Σ terdampak ({unit})").format(
                    unit=label("satuan_terdampak", None if u == NO_UNIT else u)
                ),
                ColumnType.INT,
            )
            for u in units
        ),
        Column("terberat", _("Keparahan terberat")),
        Column("rata_rata", _("Rata-rata keparahan"), ColumnType.FLOAT),
        Column("contoh", _("Contoh desa")),
        # The parts of "Isu" one by one, for sorting and filtering a spreadsheet, and the key
        # that ``analysis isu-gabung``/``isu-pisah`` take: in CSV, XLSX and JSON only.
        Column("sub_elemen", _("Sub-elemen"), internal=True),
        Column("urusan", _("Urusan"), internal=True),
        Column("judul", _("Kata kunci bersama atau nama isu"), internal=True),
        Column("kunci", _("Kunci isu (untuk gabung/pisah)"), internal=True),
    ]
    rows = tuple(_row(c, units, columns) for c in clusters)
    clustered = sum(len(c.record_ids) for c in clusters)
    shown = clusters[:CHART_CLUSTERS]
    chart = (
        Chart(
            _("Isu strategis paling luas (banyaknya desa)"),
            tuple(bar_label(n, c.short_title(CHART_WORDS)) for n, c in enumerate(shown, 1)),
            (Series(_("Desa"), tuple(float(len(c.desa)) for c in shown)),),
            horizontal=True,
            value_label=_("desa"),
        )
        if shown
        else None
    )
    table = Table(
        "isu",
        _("Isu strategis"),
        tuple(columns),
        rows,
        None,
        chart,
        note=_("{clustered} dari {records} permasalahan termasuk salah satu isu.").format(
            clustered=clustered, records=found.records
        ),
    )
    weights = ", ".join(
        f"{label('tingkat_keparahan', code)} = {rank}" for code, rank in SEVERITY_RANK.items()
    )
    applied = sum(1 for d in found.decisions if d.applied)
    notes = (
        (
            _("Isu"),
            _(
                "permasalahan dengan sub-elemen dan urusan yang sama serta kata kunci judul yang "
                "sama (setelah kata umum bahasa Indonesia dibuang), dari paling sedikit dua desa; "
                "dibentuk atas seluruh wilayah kantor, saringan memilih catatan yang dihitung"
            ),
        ),
        (
            _("Keparahan"),
            _(
                "terberat dan rata-rata peringkat: {weights}; yang belum diisi tidak dihitung"
            ).format(weights=weights),
        ),
        (
            _("Jumlah terdampak"),
            _("dijumlah menurut satuannya; jiwa dan KK tidak dijumlah bersama"),
        ),
        (
            _("Keputusan staf"),
            _("{applied} dari {n} keputusan gabung/pisah berlaku").format(
                applied=applied, n=len(found.decisions)
            ),
        ),
    )
    extra = {
        "records": found.records,
        "clusters": [c.as_dict() for c in clusters],
        "decisions": [d.as_dict() for d in found.decisions],
    }
    return result(ctx, NAME, _("Isu strategis"), flt, scope.area, (table,), notes, extra)


def _row(cluster: IssueCluster, units: list[str], columns: list[Column]) -> Row:
    drill = Drill(PROBLEM, ids=cluster.record_ids)
    values = (
        cluster.name,
        len(cluster.desa),
        len(cluster.kecamatan),
        len(cluster.record_ids),
        *(cluster.affected.get(u, 0) for u in units),
        label("tingkat_keparahan", cluster.worst_severity) if cluster.worst_severity else "",
        cluster.mean_severity,
        ", ".join(cluster.examples),
        ", ".join(sub_element_label(s) for s in cluster.sub_elements),
        ", ".join(urusan_label(u) for u in cluster.urusan),
        cluster.title,
        cluster.key,
    )
    drills = {c.key: drill for c in columns if c.type is not ColumnType.TEXT}
    drills[""] = drill
    return Row(values, drills)
