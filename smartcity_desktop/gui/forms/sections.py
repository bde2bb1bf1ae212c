"""Which fields go under which heading; the fields themselves come from ``domain.fields.FIELDS``.

A field added to FIELDS but not named here still appears, under "Lainnya", so the form never hides
data.
"""

from __future__ import annotations

from smartcity_desktop.domain.fields import FIELDS, FieldSpec, RecordKind
from smartcity_desktop.i18n import N_

_LOCATION = (N_("Lokasi"), ("location_detail", "latitude", "longitude"))

SECTIONS: dict[RecordKind, tuple[tuple[str, tuple[str, ...]], ...]] = {
    RecordKind.PROBLEM: (
        (N_("Uraian"), ("title", "description", "causes")),
        (N_("Klasifikasi"), ("dimension", "sub_element", "urusan", "severity")),
        _LOCATION,
        (
            N_("Dampak"),
            ("since_date", "affected_count", "affected_unit", "info_source"),
        ),
    ),
    RecordKind.POTENTIAL: (
        (N_("Uraian"), ("title", "description", "magnitude")),
        (N_("Klasifikasi"), ("potential_type", "dimension", "sub_element", "urusan")),
        _LOCATION,
    ),
    RecordKind.PROPOSAL: (
        (N_("Uraian"), ("title", "description", "beneficiaries")),
        (N_("Keterkaitan"), ("problem_ids", "potential_ids")),
        (N_("Klasifikasi"), ("dimension", "sub_element", "urusan", "opd", "bidang_desa")),
        _LOCATION,
        (
            N_("Pelaksanaan & Biaya"),
            (
                "volume",
                "unit",
                "estimated_cost",
                "funding_source",
                "start_date",
                "end_date",
                "implementation",
            ),
        ),
        (N_("Mitra & Penilaian Awal"), ("partners", "scale", "quick_win")),
    ),
}

OTHER = N_("Lainnya")


def sections_for(kind: RecordKind) -> list[tuple[str, list[FieldSpec]]]:
    specs = {spec.name: spec for spec in FIELDS[kind]}
    out: list[tuple[str, list[FieldSpec]]] = []
    placed: set[str] = set()
    for title, names in SECTIONS.get(kind, ()):
        fields = [specs[n] for n in names if n in specs]
        placed.update(n for n in names if n in specs)
        if fields:
            out.append((title, fields))
    rest = [spec for spec in FIELDS[kind] if spec.name not in placed]
    if rest:
        out.append((OTHER, rest))
    return out
