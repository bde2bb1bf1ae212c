"""Field definitions for the three record kinds, declared once.

Validation, forms, list columns, reports and bundle serialisation all read these specs, so adding a
field is one line here plus a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from smartcity_desktop.i18n import N_, _


class RecordKind(StrEnum):
    PROBLEM = "problem"
    POTENTIAL = "potential"
    PROPOSAL = "proposal"


KIND_LABELS = {
    RecordKind.PROBLEM: N_("Permasalahan"),
    RecordKind.POTENTIAL: N_("Potensi"),
    RecordKind.PROPOSAL: N_("Usulan Inovasi"),
}


def kind_label(kind: str) -> str:
    """A record kind's name, or "Lampiran" for attachments (which travel in bundles alongside)."""
    if kind == "attachment":
        return _("Lampiran")
    try:
        return _(KIND_LABELS[RecordKind(kind)])
    except ValueError:  # a kind this version does not name: show its code rather than hide it
        return kind


class FieldType(StrEnum):
    TEXT = "text"  # one line
    LONGTEXT = "longtext"
    CHOICE = "choice"  # one code from a reference list
    MULTICHOICE = "multichoice"  # several codes from a reference list
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"  # whole Rupiah
    DATE = "date"  # ISO yyyy-mm-dd
    LATITUDE = "latitude"
    LONGITUDE = "longitude"
    LINKS = "links"  # ids of other records


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # Indonesian source text; translate with _() when shown
    type: FieldType
    required: bool = False
    max_length: int | None = None
    ref: str | None = None  # reference list name for choices
    minimum: float | None = None
    maximum: float | None = None
    link_kind: RecordKind | None = None
    help: str = ""


TITLE_MAX = 200
SHORT_MAX = 200
LONG_MAX = 5000
# A village proposal above a trillion Rupiah is a typing mistake, not a plan.
MONEY_MAX = 1_000_000_000_000
COUNT_MAX = 10_000_000
# Indonesia's territory with a margin: lat 11.5 S .. 6.5 N, lon 94 E .. 141.5 E
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.0, 141.5)

_T = FieldType


def _common_head(description_label: str) -> list[FieldSpec]:
    return [
        FieldSpec("title", N_("Judul"), _T.TEXT, required=True, max_length=TITLE_MAX),
        FieldSpec(
            "description", description_label, _T.LONGTEXT, required=True, max_length=LONG_MAX
        ),
    ]


def _location() -> list[FieldSpec]:
    return [
        FieldSpec("location_detail", N_("Lokasi (dusun/RW/RT)"), _T.TEXT, max_length=SHORT_MAX),
        FieldSpec(
            "latitude", N_("Lintang"), _T.LATITUDE, minimum=LAT_RANGE[0], maximum=LAT_RANGE[1]
        ),
        FieldSpec(
            "longitude", N_("Bujur"), _T.LONGITUDE, minimum=LON_RANGE[0], maximum=LON_RANGE[1]
        ),
    ]


FIELDS: dict[RecordKind, tuple[FieldSpec, ...]] = {
    RecordKind.PROBLEM: (
        *_common_head(N_("Uraian")),
        FieldSpec("causes", N_("Faktor penyebab"), _T.LONGTEXT, max_length=LONG_MAX),
        FieldSpec("dimension", N_("Dimensi"), _T.CHOICE, required=True, ref="dimensions"),
        FieldSpec("sub_element", N_("Sub-elemen"), _T.CHOICE, required=True, ref="dimensions"),
        FieldSpec("urusan", N_("Urusan pemerintahan"), _T.CHOICE, ref="urusan"),
        *_location(),
        FieldSpec("since_date", N_("Terjadi sejak"), _T.DATE),
        FieldSpec(
            "affected_count", N_("Jumlah terdampak"), _T.INTEGER, minimum=0, maximum=COUNT_MAX
        ),
        FieldSpec("affected_unit", N_("Satuan terdampak"), _T.CHOICE, ref="satuan_terdampak"),
        FieldSpec(
            "severity",
            N_("Tingkat keparahan"),
            _T.CHOICE,
            required=True,
            ref="tingkat_keparahan",
        ),
        FieldSpec("info_source", N_("Sumber informasi"), _T.CHOICE, ref="sumber_informasi"),
    ),
    RecordKind.POTENTIAL: (
        *_common_head(N_("Uraian")),
        FieldSpec(
            "potential_type", N_("Jenis potensi"), _T.CHOICE, required=True, ref="jenis_potensi"
        ),
        FieldSpec("dimension", N_("Dimensi"), _T.CHOICE, required=True, ref="dimensions"),
        FieldSpec("sub_element", N_("Sub-elemen"), _T.CHOICE, ref="dimensions"),
        FieldSpec("urusan", N_("Urusan pemerintahan"), _T.CHOICE, ref="urusan"),
        *_location(),
        FieldSpec(
            "magnitude",
            N_("Besaran"),
            _T.TEXT,
            max_length=SHORT_MAX,
            help=N_("Misalnya: 40 ha tambak, 120 pelaku UMKM"),
        ),
    ),
    RecordKind.PROPOSAL: (
        *_common_head(N_("Gagasan")),
        FieldSpec(
            "problem_ids", N_("Masalah yang diatasi"), _T.LINKS, link_kind=RecordKind.PROBLEM
        ),
        FieldSpec(
            "potential_ids",
            N_("Potensi yang dimanfaatkan"),
            _T.LINKS,
            link_kind=RecordKind.POTENTIAL,
        ),
        FieldSpec("dimension", N_("Dimensi"), _T.CHOICE, required=True, ref="dimensions"),
        FieldSpec("sub_element", N_("Sub-elemen"), _T.CHOICE, required=True, ref="dimensions"),
        FieldSpec("urusan", N_("Urusan pemerintahan"), _T.CHOICE, ref="urusan"),
        FieldSpec("opd", N_("OPD pengampu yang disarankan"), _T.TEXT, max_length=SHORT_MAX),
        *_location(),
        FieldSpec("beneficiaries", N_("Sasaran penerima manfaat"), _T.TEXT, max_length=SHORT_MAX),
        FieldSpec("volume", N_("Volume"), _T.NUMBER, minimum=0, maximum=1e9),
        FieldSpec("unit", N_("Satuan"), _T.TEXT, max_length=50),
        FieldSpec(
            "estimated_cost", N_("Perkiraan biaya (Rp)"), _T.MONEY, minimum=0, maximum=MONEY_MAX
        ),
        FieldSpec("funding_source", N_("Sumber dana"), _T.CHOICE, ref="sumber_dana"),
        FieldSpec("bidang_desa", N_("Bidang desa"), _T.CHOICE, ref="bidang_desa"),
        FieldSpec("start_date", N_("Mulai pelaksanaan"), _T.DATE),
        FieldSpec("end_date", N_("Selesai pelaksanaan"), _T.DATE),
        FieldSpec("implementation", N_("Pola pelaksanaan"), _T.CHOICE, ref="pola_pelaksanaan"),
        FieldSpec("partners", N_("Mitra pentahelix"), _T.MULTICHOICE, ref="pentahelix"),
        FieldSpec("scale", N_("Skala"), _T.CHOICE, ref="skala"),
        FieldSpec("quick_win", N_("Penilaian awal quick win"), _T.CHOICE, ref="quick_win"),
    ),
}

# A proposal's link fields and the kind of record each one links to.
LINK_FIELDS: dict[str, str] = {
    spec.name: spec.link_kind.value
    for spec in FIELDS[RecordKind.PROPOSAL]
    if spec.type is FieldType.LINKS and spec.link_kind is not None
}


def field_spec(kind: RecordKind, name: str) -> FieldSpec:
    for spec in FIELDS[kind]:
        if spec.name == name:
            return spec
    raise KeyError(name)


def field_names(kind: RecordKind) -> tuple[str, ...]:
    return tuple(spec.name for spec in FIELDS[kind])
