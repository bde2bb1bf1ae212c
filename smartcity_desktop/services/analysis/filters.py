"""What an analysis view looks at: the same filters for every view, in the GUI, the CLI and exports.

A filter names an area inside the office's own (a kecamatan, a desa), a dimension, the villages'
stage, the trust of the bundles the records came in, and a period of data entry. Every printed or
exported table states its filter (``describe``), so a figure can always be traced to its scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.review import STAGE_LABELS, VillageStage
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _

TRUST_LEVELS: dict[str, str] = {
    "certified": N_("Bersertifikat"),
    "locally_trusted": N_("Dipercaya lokal"),
}


class FilterRefused(UserError):
    code = "analysis.filter"


@dataclass(frozen=True, slots=True)
class AnalysisFilter:
    kecamatan: str | None = None
    desa: str | None = None
    dimension: str | None = None
    stage: str | None = None  # a VillageStage value
    trust: str | None = None  # a TRUST_LEVELS key
    date_from: dt.date | None = None  # records entered on or after (the village's created_at)
    date_to: dt.date | None = None  # ... and on or before

    def __post_init__(self) -> None:
        if self.dimension is not None and ref_list("dimensions").get(self.dimension) is None:
            raise FilterRefused(
                _("Dimensi tidak dikenal: {code}. Pilihan: {choices}.").format(
                    code=self.dimension, choices=", ".join(ref_list("dimensions").codes())
                ),
                code="analysis.unknown_dimension",
            )
        if self.stage is not None and self.stage not in {s.value for s in VillageStage}:
            raise FilterRefused(
                _("Tahap tidak dikenal: {code}. Pilihan: {choices}.").format(
                    code=self.stage, choices=", ".join(s.value for s in VillageStage)
                ),
                code="analysis.unknown_stage",
            )
        if self.trust is not None and self.trust not in TRUST_LEVELS:
            raise FilterRefused(
                _("Tingkat kepercayaan tidak dikenal: {code}. Pilihan: {choices}.").format(
                    code=self.trust, choices=", ".join(TRUST_LEVELS)
                ),
                code="analysis.unknown_trust",
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterRefused(
                _("Periode terbalik: tanggal awal {start} sesudah tanggal akhir {end}.").format(
                    start=self.date_from.isoformat(), end=self.date_to.isoformat()
                ),
                code="analysis.period_reversed",
            )

    def narrowed(self, **changes: Any) -> AnalysisFilter:
        """This filter with some fields set (a drill-down narrows the view's own filter)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for key, value in asdict(self).items():
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    def describe(self, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """(label, value) lines in the user's language; ``names`` maps region codes to names."""
        names = names or {}
        every = _("semua")

        def region(code: str | None) -> str:
            return every if code is None else f"{names.get(code, code)} ({code})"

        period = every
        if self.date_from or self.date_to:
            period = "{start} – {end}".format(
                start=self.date_from.isoformat() if self.date_from else "…",
                end=self.date_to.isoformat() if self.date_to else "…",
            )
        return [
            (_("Kecamatan"), region(self.kecamatan)),
            (_("Desa/kelurahan"), region(self.desa)),
            (
                _("Dimensi"),
                ref_list("dimensions").label(self.dimension) if self.dimension else every,
            ),
            (_("Tahap desa"), _(STAGE_LABELS[VillageStage(self.stage)]) if self.stage else every),
            (_("Kepercayaan"), _(TRUST_LEVELS[self.trust]) if self.trust else every),
            (_("Periode pengisian"), period),
        ]


def parse_date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FilterRefused(
            _(
                "{what}: tanggal {text} tidak dapat dibaca; tulis TTTT-BB-HH, mis. 2026-12-31."
            ).format(what=what, text=text),
            code="analysis.bad_date",
        ) from None
