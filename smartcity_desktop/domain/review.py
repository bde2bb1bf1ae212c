"""Reviews: an upper office's verdict on another office's record, declared once.

A review never edits what it is about. It is a row of its own, owned by the reviewing office, that
names its target (kind, id) and the target's revision and content hash at review time, so that
"changed since review" and "diperbaiki setelah dikembalikan" can be computed wherever the review
travels. Storage columns, validation, bundle values and forms all read ``REVIEW_FIELDS``.

Targets are village records (``problem``, ``potential``, ``proposal``), a whole village (``desa``:
the kecamatan's verification of everything a village sent) and a review (``review``: the
kabupaten's answer to a kecamatan's verification, accepting or returning it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from smartcity_desktop.domain.fields import FieldSpec, FieldType
from smartcity_desktop.domain.records import canonical_json, content_hash
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.validation import Problem, Values, check_field
from smartcity_desktop.i18n import N_, _

REVIEW_KIND = "review"
REASON_LIST = "alasan_review"
REDIRECT_LEVEL_LIST = "tingkat_pengalihan"


# Feedback bundles (reviews going down to a village) are named so; the send status tells them
# apart from the bundles an office sends up.
FEEDBACK_PREFIX = "smartcity-hasil-"


class ReviewState(StrEnum):
    DITERIMA = "diterima"
    PERLU_PERBAIKAN = "perlu_perbaikan"
    DITOLAK = "ditolak"
    DIALIHKAN = "dialihkan"  # to another urusan, OPD or level
    DIGABUNG = "digabung"  # merged into another record of the same kind; the link is kept


STATE_LABELS = {
    ReviewState.DITERIMA: N_("Diterima"),
    ReviewState.PERLU_PERBAIKAN: N_("Perlu perbaikan"),
    ReviewState.DITOLAK: N_("Ditolak"),
    ReviewState.DIALIHKAN: N_("Dialihkan"),
    ReviewState.DIGABUNG: N_("Digabung"),
}


def state_label(state: str | None) -> str:
    try:
        return _(STATE_LABELS[ReviewState(state)]) if state else ""
    except ValueError:
        return state or ""


class TargetKind(StrEnum):
    PROBLEM = "problem"
    POTENTIAL = "potential"
    PROPOSAL = "proposal"
    DESA = "desa"  # a kecamatan's verification of one village as a whole
    REVIEW = "review"  # a kabupaten's verdict on a kecamatan's verification


RECORD_TARGETS = frozenset({TargetKind.PROBLEM, TargetKind.POTENTIAL, TargetKind.PROPOSAL})
# A verdict on a whole village (or on such a verdict) either accepts it or sends it back.
VERDICT_STATES = frozenset({ReviewState.DITERIMA, ReviewState.PERLU_PERBAIKAN})

COMMENT_MAX = 2000
PRIORITY_MAX = 9999

_T = FieldType

# What a review is about, as it was when reviewed.
REVIEW_TARGET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("target_kind", N_("Jenis yang direviu"), _T.CHOICE, required=True),
    FieldSpec("target_id", N_("Yang direviu"), _T.TEXT, required=True, max_length=36),
    FieldSpec(
        "target_revision",
        N_("Revisi yang direviu"),
        _T.INTEGER,
        required=True,
        minimum=0,
        maximum=1_000_000,
    ),
    FieldSpec("target_hash", N_("Sidik isi yang direviu"), _T.TEXT, required=True, max_length=64),
)
# What the reviewer decides.
REVIEW_INPUT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("state", N_("Hasil verifikasi"), _T.CHOICE, required=True),
    FieldSpec("reason", N_("Alasan"), _T.CHOICE, ref=REASON_LIST),
    FieldSpec("comment", N_("Catatan"), _T.LONGTEXT, max_length=COMMENT_MAX),
    FieldSpec(
        "priority",
        N_("Peringkat prioritas"),
        _T.INTEGER,
        minimum=1,
        maximum=PRIORITY_MAX,
        help=N_("Hanya untuk usulan inovasi: 1 = paling diutamakan"),
    ),
    FieldSpec("redirect_urusan", N_("Dialihkan ke urusan"), _T.CHOICE, ref="urusan"),
    FieldSpec("redirect_opd", N_("Dialihkan ke OPD"), _T.TEXT, max_length=200),
    FieldSpec("redirect_level", N_("Dialihkan ke tingkat"), _T.CHOICE, ref=REDIRECT_LEVEL_LIST),
    FieldSpec("merge_into", N_("Digabung ke catatan"), _T.TEXT, max_length=36),
)
REVIEW_FIELDS: tuple[FieldSpec, ...] = REVIEW_TARGET_FIELDS + REVIEW_INPUT_FIELDS
REVIEW_FIELD_NAMES: tuple[str, ...] = tuple(spec.name for spec in REVIEW_FIELDS)
REDIRECT_FIELDS = ("redirect_urusan", "redirect_opd", "redirect_level")

# Choices that are not reference lists: the codes are the protocol itself.
_FIXED_CHOICES: dict[str, frozenset[str]] = {
    "target_kind": frozenset(k.value for k in TargetKind),
    "state": frozenset(s.value for s in ReviewState),
}
_INTEGER_FIELDS = frozenset(s.name for s in REVIEW_FIELDS if s.type is FieldType.INTEGER)


def review_field(name: str) -> FieldSpec:
    for spec in REVIEW_FIELDS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def normalise_review(raw: Values) -> Values:
    """Canonical review values: every field present, blanks as None, numbers as int when they are
    whole numbers (anything else is kept for ``validate_review`` to name)."""
    out: Values = {}
    for spec in REVIEW_FIELDS:
        value = raw.get(spec.name)
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None and spec.name in _INTEGER_FIELDS and isinstance(value, str):
            value = int(value) if value.lstrip("-").isdigit() else value
        out[spec.name] = value
    return out


def validate_review(values: Values) -> list[Problem]:
    """Field rules, then the rules between fields (reason, priority, redirect and merge)."""
    problems: list[Problem] = []
    for spec in REVIEW_FIELDS:
        value = values.get(spec.name)
        allowed = _FIXED_CHOICES.get(spec.name)
        if allowed is not None:
            if value is None:
                problems.append(
                    Problem(
                        spec.name, "required", _("{field} wajib diisi.").format(field=_(spec.label))
                    )
                )
            elif value not in allowed:
                problems.append(
                    Problem(
                        spec.name,
                        "unknown_choice",
                        _("{field}: pilihan tidak dikenal.").format(field=_(spec.label)),
                    )
                )
            continue
        problem = check_field(spec, value, values, final=True)
        if problem:
            problems.append(problem)
    if not problems:
        problems.extend(_cross_checks(values))
    return problems


def _cross_checks(values: Values) -> list[Problem]:
    problems: list[Problem] = []
    state = ReviewState(values["state"])
    kind = TargetKind(values["target_kind"])
    if state is not ReviewState.DITERIMA and not values.get("reason"):
        problems.append(
            Problem(
                "reason",
                "reason_required",
                _("Alasan wajib dipilih untuk hasil '{state}'.").format(state=state_label(state)),
            )
        )
    if kind not in RECORD_TARGETS:
        if state not in VERDICT_STATES:
            problems.append(
                Problem(
                    "state",
                    "verdict_state",
                    _(
                        "Verifikasi satu desa hanya dapat diterima atau dikembalikan "
                        "(perlu perbaikan)."
                    ),
                )
            )
        if values.get("priority") is not None:
            problems.append(_priority_not_proposal())
        return problems
    if values.get("priority") is not None and kind is not TargetKind.PROPOSAL:
        problems.append(_priority_not_proposal())
    redirect = [name for name in REDIRECT_FIELDS if values.get(name)]
    if state is ReviewState.DIALIHKAN and not redirect:
        problems.append(
            Problem(
                "redirect_urusan",
                "redirect_required",
                _("Untuk hasil 'Dialihkan', isi tujuan pengalihan: urusan, OPD atau tingkat."),
            )
        )
    if state is not ReviewState.DIALIHKAN and redirect:
        problems.append(
            Problem(
                redirect[0],
                "redirect_not_allowed",
                _("Tujuan pengalihan hanya diisi untuk hasil 'Dialihkan'."),
            )
        )
    merge_into = values.get("merge_into")
    if state is ReviewState.DIGABUNG and not merge_into:
        problems.append(
            Problem(
                "merge_into",
                "merge_required",
                _("Untuk hasil 'Digabung', pilih catatan tujuan penggabungan."),
            )
        )
    if state is not ReviewState.DIGABUNG and merge_into:
        problems.append(
            Problem(
                "merge_into",
                "merge_not_allowed",
                _("Catatan tujuan penggabungan hanya diisi untuk hasil 'Digabung'."),
            )
        )
    if merge_into and merge_into == values.get("target_id"):
        problems.append(
            Problem(
                "merge_into",
                "merge_self",
                _("Catatan tidak dapat digabung ke dirinya sendiri."),
            )
        )
    return problems


def _priority_not_proposal() -> Problem:
    return Problem(
        "priority",
        "priority_not_proposal",
        _("Peringkat prioritas hanya untuk usulan inovasi."),
    )


def reason_code(text: str | None) -> str | None:
    """A reason given as its code or its label (Indonesian or English, any case); None if blank.

    An unknown text is returned as it is, so that validation names it."""
    if text is None or not text.strip():
        return None
    wanted = text.strip().casefold()
    for item in ref_list(REASON_LIST).items:
        if wanted in (item.code.casefold(), item.label_id.casefold(), item.label_en.casefold()):
            return item.code
    return text.strip()


def review_hash(
    review_id: str, office_code: str, revision: int, deleted: bool, values: Values
) -> str:
    """Like a record's content hash: reviews travel in bundles as rows of kind ``review``."""
    return content_hash(REVIEW_KIND, review_id, office_code, revision, "final", deleted, values)


def village_digest(rows: Iterable[tuple[str, int]]) -> str:
    """What a village has sent, as one hash: its records' (id, revision) pairs, order ignored.

    A kecamatan's verification keeps it; a new revision or a new record changes it, and the
    village is "berubah setelah diverifikasi" without anything being locked."""
    pairs = sorted([record_id, int(revision)] for record_id, revision in rows)
    return hashlib.sha256(canonical_json(pairs)).hexdigest()


class VillageStage(StrEnum):
    """Where a village's submission stands, like DHIS2's approval levels; nothing ever locks."""

    BELUM_KIRIM = "belum_kirim"
    DITERIMA = "diterima"  # received, not yet verified
    DIVERIFIKASI_KECAMATAN = "diverifikasi_kecamatan"
    DITERIMA_KABUPATEN = "diterima_kabupaten"
    DIKEMBALIKAN = "dikembalikan"  # returned by the kecamatan or the kabupaten


STAGE_LABELS = {
    VillageStage.BELUM_KIRIM: N_("Belum kirim"),
    VillageStage.DITERIMA: N_("Data diterima"),  # received; not the verdict "Diterima"
    VillageStage.DIVERIFIKASI_KECAMATAN: N_("Diverifikasi kecamatan"),
    VillageStage.DITERIMA_KABUPATEN: N_("Diterima kabupaten"),
    VillageStage.DIKEMBALIKAN: N_("Dikembalikan"),
}
CHANGED_AFTER_VERIFICATION = N_("berubah setelah diverifikasi")
CHANGED_SINCE_REVIEW = N_("berubah sejak direviu")
FIXED_AFTER_RETURN = N_("diperbaiki setelah dikembalikan")


def stage_label(stage: str) -> str:
    try:
        return _(STAGE_LABELS[VillageStage(stage)])
    except ValueError:
        return stage


REVIEWER_ROLES = frozenset({"kecamatan", "kabupaten"})


def may_review(reviewer_code: str, reviewer_role: str, record_office: str) -> bool:
    """Who may review whose records: an upper office, the records of offices below it, never its
    own and never a desa (importers apply the same rule to reviews that arrive in bundles)."""
    return reviewer_role in REVIEWER_ROLES and record_office.startswith(reviewer_code + ".")


def changed_since_review(review_revision: int | None, record_revision: int) -> bool:
    """A newer revision of the record arrived after it was reviewed."""
    return review_revision is not None and record_revision > review_revision


def fixed_after_return(
    state: str | None, review_revision: int | None, record_revision: int
) -> bool:
    """ "Diperbaiki setelah dikembalikan": sent back for repair, and a newer revision came."""
    return state == ReviewState.PERLU_PERBAIKAN and changed_since_review(
        review_revision, record_revision
    )


def values_of(row: Any) -> Values:
    """Review values from anything with the review columns (an ORM row, a named tuple)."""
    return {name: getattr(row, name) for name in REVIEW_FIELD_NAMES}
