"""The analysis views by name: ``analysis list``, the CLI subcommands, the GUI and the annex.

A view is a function ``compute(ctx, filter, tick=None) -> ViewResult`` in its own module of this
package, imported only when used. ``tick(done, total)`` hears progress and may raise to cancel.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _

if TYPE_CHECKING:
    from smartcity_desktop.services.analysis.filters import AnalysisFilter
    from smartcity_desktop.services.analysis.result import ViewResult
    from smartcity_desktop.services.context import AppContext

Tick = Callable[[int, int], None]


class Compute(Protocol):
    def __call__(
        self, ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None
    ) -> ViewResult: ...


@dataclass(frozen=True)
class ViewSpec:
    name: str  # the CLI name, e.g. "matriks-permasalahan"
    title: str  # untranslated (N_); shown through _()
    summary: str  # untranslated (N_): what the view shows, one sentence
    module: str  # inside smartcity_desktop.services.analysis

    def compute(self, ctx: AppContext, flt: AnalysisFilter, tick: Tick | None = None) -> ViewResult:
        module = importlib.import_module(f"smartcity_desktop.services.analysis.{self.module}")
        fn: Compute = module.compute
        return fn(ctx, flt, tick)


class UnknownView(UserError):
    code = "analysis.unknown_view"


# In the order the masterplan reads them (and the annex prints them).
VIEWS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        ViewSpec(
            "matriks-permasalahan",
            N_("Matriks permasalahan"),
            N_(
                "Permasalahan per dimensi (dan sub-elemen) × kecamatan: jumlah, jumlah berbobot "
                "keparahan, dan rata-rata per desa"
            ),
            "matrix",
        ),
        ViewSpec(
            "isu-strategis",
            N_("Isu strategis"),
            N_(
                "Isu strategis: permasalahan berulang di banyak desa (sub-elemen, urusan dan kata "
                "kunci yang sama)"
            ),
            "issues_view",
        ),
        ViewSpec(
            "keparahan-dampak",
            N_("Keparahan & dampak"),
            N_("Permasalahan per tingkat keparahan × dimensi, dan jumlah terdampak per satuan"),
            "severity",
        ),
        ViewSpec(
            "potensi-unggulan",
            N_("Potensi & sektor unggulan"),
            N_("Potensi per jenis × kecamatan, dan potensi unggulan tiap kecamatan (LQ)"),
            "potentials",
        ),
        ViewSpec(
            "peringkat-usulan",
            N_("Peringkat usulan"),
            N_(
                "Usulan diurutkan menurut skor berbobot: jangkauan, keparahan, penerima manfaat, "
                "biaya per penerima, prioritas kecamatan, status reviu dan quick win"
            ),
            "ranking",
        ),
        ViewSpec(
            "kandidat-quick-win",
            N_("Kandidat quick win"),
            N_(
                "Usulan yang memenuhi kriteria quick win (penilaian, diterima kecamatan, batas "
                "biaya dan lama, pelaksana jelas) beserta alasannya"
            ),
            "quick_wins",
        ),
        ViewSpec(
            "keselarasan-urusan-opd-rpjmd",
            N_("Keselarasan urusan/OPD/RPJMD"),
            N_(
                "Urusan × dimensi, usulan per OPD pengampu, dan usulan per program RPJMD lewat "
                "tabel padanan"
            ),
            "alignment",
        ),
        ViewSpec(
            "biaya-sumber-dana",
            N_("Biaya & sumber dana"),
            N_("Perkiraan biaya usulan per sumber dana × dimensi, dan per skala"),
            "costs",
        ),
        ViewSpec(
            "kesenjangan-masalah-usulan",
            N_("Kesenjangan masalah–usulan"),
            N_("Permasalahan yang belum dijawab usulan, dan usulan yang tidak bertaut"),
            "gaps",
        ),
        ViewSpec(
            "peta-jalan",
            N_("Draf peta jalan"),
            N_("Usulan per rentang tahun (≤ 2, 3–5, 6–10 tahun) × dimensi × OPD"),
            "roadmap",
        ),
    )
}


def view(name: str) -> ViewSpec:
    try:
        return VIEWS[name]
    except KeyError:
        raise UnknownView(
            _("Tampilan analisis tidak dikenal: {name}. Pilihan: {choices}.").format(
                name=name, choices=", ".join(VIEWS)
            )
        ) from None
