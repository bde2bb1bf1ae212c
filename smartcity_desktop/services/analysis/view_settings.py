"""The stored settings of two views: the ranking weights and the quick-win criteria.

They live in this office's ``setting`` table (keys ``analysis.bobot.*`` and
``analysis.quick_win.*``): the planners' own choices, kept with the data folder and its backups but
never sent in a bundle, so a kecamatan and the kabupaten each rank by their own weights. Every write
checks all values first and changes nothing when one is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.models import Setting

WEIGHT_PREFIX = "analysis.bobot."
CRITERIA_PREFIX = "analysis.quick_win."
WEIGHT_MAX = 1000.0
MONEY_MAX = 1_000_000_000_000
DAYS_MAX = 36_500


class SettingsRefused(UserError):
    code = "analysis.settings_refused"


# key -> (label, default), in the order printed with every ranking.
WEIGHTS: dict[str, tuple[str, float]] = {
    "jangkauan": (N_("Jangkauan (desa dengan masalah terkait)"), 20.0),
    "keparahan": (N_("Keparahan masalah terkait"), 20.0),
    "penerima": (N_("Penerima manfaat"), 15.0),
    "biaya_per_penerima": (N_("Biaya per penerima (makin murah makin tinggi)"), 10.0),
    "prioritas": (N_("Prioritas kecamatan"), 15.0),
    "reviu": (N_("Status reviu kecamatan"), 10.0),
    "quick_win": (N_("Penilaian quick win"), 10.0),
}


@dataclass(frozen=True)
class QuickWinCriteria:
    quick_win_min: str = "tinggi"  # a code of the ordered quick_win list: this one or better
    verified: bool = True  # the kecamatan's review is "diterima"
    cost_max: int = 200_000_000  # Rp; 0 = no cap
    days_max: int = 365  # from start to end date; 0 = no cap
    implementer: bool = True  # OPD filled in or pola pelaksanaan chosen

    def as_dict(self) -> dict[str, object]:
        return {
            "quick_win_minimal": self.quick_win_min,
            "harus_diterima": self.verified,
            "biaya_maks": self.cost_max,
            "durasi_maks_hari": self.days_max,
            "pelaksana_jelas": self.implementer,
        }


# CLI/stored key -> (label, attribute)
CRITERIA: dict[str, tuple[str, str]] = {
    "quick_win_minimal": (N_("Penilaian quick win paling rendah"), "quick_win_min"),
    "harus_diterima": (N_("Harus sudah diterima kecamatan"), "verified"),
    "biaya_maks": (N_("Biaya paling banyak (Rp, 0 = tanpa batas)"), "cost_max"),
    "durasi_maks_hari": (N_("Lama pelaksanaan paling lama (hari, 0 = tanpa batas)"), "days_max"),
    "pelaksana_jelas": (N_("Pelaksana jelas (OPD atau pola pelaksanaan diisi)"), "implementer"),
}

_TRUE = {"ya", "y", "true", "1", "yes"}
_FALSE = {"tidak", "t", "false", "0", "no"}


def _refuse_desa(ctx: AppContext) -> None:
    if ctx.office.role == "desa":
        raise SettingsRefused(
            _("Pengaturan tampilan analisis diubah di kantor kecamatan atau kabupaten."),
            code="analysis.settings_desa",
        )


def _stored(ctx: AppContext, prefix: str) -> dict[str, str]:
    with ctx.db.session() as session:
        return {
            row.key.removeprefix(prefix): row.value
            for row in session.scalars(select(Setting).where(Setting.key.startswith(prefix)))
        }


# --- ranking weights ---------------------------------------------------------------------------


def ranking_weights(ctx: AppContext) -> dict[str, float]:
    """key -> weight, every key of ``WEIGHTS`` in its order (defaults where nothing is stored)."""
    stored = _stored(ctx, WEIGHT_PREFIX)
    out: dict[str, float] = {}
    for key, (_label, default) in WEIGHTS.items():
        try:
            out[key] = float(stored[key]) if key in stored else default
        except ValueError:
            out[key] = default
    return out


def weight_label(key: str) -> str:
    return _(WEIGHTS[key][0])


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def set_ranking_weights(ctx: AppContext, changes: Mapping[str, str | float]) -> Change:
    """Change some weights; refuses unknown keys, non-numbers, negatives and all weights zero."""
    _refuse_desa(ctx)
    weights = ranking_weights(ctx)
    errors: list[str] = []
    for key, raw in changes.items():
        if key not in WEIGHTS:
            errors.append(
                _("Bobot tidak dikenal: {key}. Pilihan: {choices}.").format(
                    key=key, choices=", ".join(WEIGHTS)
                )
            )
            continue
        value = float(raw) if isinstance(raw, int | float) else _number(raw)
        if value is None or value != value:
            errors.append(
                _("Bobot {key} harus berupa angka, bukan \u201c{value}\u201d.").format(
                    key=key, value=raw
                )
            )
        elif value < 0:
            errors.append(
                _(
                    "Bobot {key} tidak boleh negatif ({value}); pakai 0 untuk mengabaikannya."
                ).format(key=key, value=raw)
            )
        elif value > WEIGHT_MAX:
            errors.append(_("Bobot {key} paling besar {max:g}.").format(key=key, max=WEIGHT_MAX))
        else:
            weights[key] = value
    if not errors and not any(weights.values()):
        errors.append(_("Semua bobot bernilai 0: paling sedikit satu bobot harus lebih dari 0."))
    if errors:
        raise SettingsRefused("\n".join(errors), code="analysis.bad_weight")
    with ctx.db.transaction() as session:
        for key, value in weights.items():
            session.merge(Setting(key=WEIGHT_PREFIX + key, value=repr(value)))
    return Change(Action.SETTINGS, details={"keys": sorted(WEIGHT_PREFIX + k for k in changes)})


def reset_ranking_weights(ctx: AppContext) -> Change:
    return set_ranking_weights(ctx, {k: d for k, (_l, d) in WEIGHTS.items()})


def describe_weights(weights: Mapping[str, float]) -> str:
    return "; ".join(f"{weight_label(k)} = {v:g}" for k, v in weights.items())


# --- quick-win criteria ------------------------------------------------------------------------


def quick_win_criteria(ctx: AppContext) -> QuickWinCriteria:
    stored = _stored(ctx, CRITERIA_PREFIX)
    try:
        return _apply(QuickWinCriteria(), stored)
    except SettingsRefused:  # a value written by hand into the database: use the defaults
        return QuickWinCriteria()


def _apply(base: QuickWinCriteria, changes: Mapping[str, str]) -> QuickWinCriteria:
    values = base.as_dict()
    errors: list[str] = []
    levels = ref_list("quick_win")
    for key, raw in changes.items():
        text = str(raw).strip()
        if key not in CRITERIA:
            errors.append(
                _("Kriteria tidak dikenal: {key}. Pilihan: {choices}.").format(
                    key=key, choices=", ".join(CRITERIA)
                )
            )
        elif key == "quick_win_minimal":
            if text not in levels.codes():
                errors.append(
                    _("quick_win_minimal harus salah satu dari: {choices}.").format(
                        choices=", ".join(levels.codes())
                    )
                )
            else:
                values[key] = text
        elif key in ("harus_diterima", "pelaksana_jelas"):
            if text.lower() in _TRUE:
                values[key] = True
            elif text.lower() in _FALSE:
                values[key] = False
            else:
                errors.append(
                    _("{key} harus ya atau tidak, bukan \u201c{value}\u201d.").format(
                        key=key, value=text
                    )
                )
        else:
            limit = MONEY_MAX if key == "biaya_maks" else DAYS_MAX
            digits = text.replace(".", "").replace(" ", "") if key == "biaya_maks" else text
            if not digits.isdigit():
                errors.append(
                    _("{key} harus bilangan bulat 0 atau lebih, bukan \u201c{value}\u201d.").format(
                        key=key, value=text
                    )
                )
            elif int(digits) > limit:
                errors.append(_("{key} paling besar {max}.").format(key=key, max=limit))
            else:
                values[key] = int(digits)
    if errors:
        raise SettingsRefused("\n".join(errors), code="analysis.bad_criteria")
    return QuickWinCriteria(
        quick_win_min=str(values["quick_win_minimal"]),
        verified=bool(values["harus_diterima"]),
        cost_max=int(str(values["biaya_maks"])),
        days_max=int(str(values["durasi_maks_hari"])),
        implementer=bool(values["pelaksana_jelas"]),
    )


def set_quick_win_criteria(ctx: AppContext, changes: Mapping[str, str]) -> Change:
    """Change some criteria; every value is checked before anything is written."""
    _refuse_desa(ctx)
    criteria = _apply(quick_win_criteria(ctx), changes)
    with ctx.db.transaction() as session:
        for key, value in criteria.as_dict().items():
            stored = ("ya" if value else "tidak") if isinstance(value, bool) else str(value)
            session.merge(Setting(key=CRITERIA_PREFIX + key, value=stored))
    return Change(Action.SETTINGS, details={"keys": sorted(CRITERIA_PREFIX + k for k in changes)})


def reset_quick_win_criteria(ctx: AppContext) -> Change:
    return set_quick_win_criteria(
        ctx,
        {
            k: ("ya" if v else "tidak") if isinstance(v, bool) else str(v)
            for k, v in QuickWinCriteria().as_dict().items()
        },
    )


def describe_criteria(criteria: QuickWinCriteria) -> list[tuple[str, str]]:
    """(label, value) lines printed with the quick-win view."""
    levels = ref_list("quick_win")
    yes, no = _("ya"), _("tidak")
    return [
        (
            _(CRITERIA["quick_win_minimal"][0]),
            levels.label(criteria.quick_win_min),
        ),
        (_(CRITERIA["harus_diterima"][0]), yes if criteria.verified else no),
        (
            _(CRITERIA["biaya_maks"][0]),
            rupiah(criteria.cost_max) if criteria.cost_max else _("tanpa batas"),
        ),
        (
            _(CRITERIA["durasi_maks_hari"][0]),
            _("{n} hari").format(n=criteria.days_max) if criteria.days_max else _("tanpa batas"),
        ),
        (_(CRITERIA["pelaksana_jelas"][0]), yes if criteria.implementer else no),
    ]


def rupiah(value: float) -> str:
    return "Rp " + f"{round(value):,}".replace(",", ".")
