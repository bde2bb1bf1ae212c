"""Validation of record values: plain Python, messages in the user's language.

Drafts may be incomplete, but never malformed: type, range and length rules hold for every save,
the "required" rule only for finalising.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from smartcity_desktop.domain.fields import FIELDS, FieldSpec, FieldType, RecordKind
from smartcity_desktop.domain.reference import ref_list, sub_elements
from smartcity_desktop.i18n import _


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


Values = dict[str, Any]


def normalise(kind: RecordKind, raw: Values) -> Values:
    """Turn loosely typed input (form text, JSON) into canonical values, without judging them.

    Unknown keys are dropped; blanks become None; lists stay lists. Conversion failures keep the raw
    value so that ``validate`` can name them.
    """
    out: Values = {}
    for spec in FIELDS[kind]:
        t = spec.type
        value = raw.get(spec.name)
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            out[spec.name] = [] if t in _LISTS else None
            continue
        if t in _LISTS:
            if isinstance(value, (list, tuple)):
                value = sorted({str(v) for v in value if v not in (None, "")})
        elif t in _INTEGERS:
            value = _to_int(value)
        elif t in _FLOATS:
            value = _to_float(value)
        elif t is FieldType.DATE and isinstance(value, dt.date):
            value = value.isoformat()
        out[spec.name] = value
    return out


_LISTS = frozenset({FieldType.LINKS, FieldType.MULTICHOICE})
_INTEGERS = frozenset({FieldType.INTEGER, FieldType.MONEY})
_FLOATS = frozenset({FieldType.NUMBER, FieldType.LATITUDE, FieldType.LONGITUDE})


def is_canonical(kind: RecordKind, values: Values) -> bool:
    """True when ``normalise(kind, values)`` would return ``values`` unchanged (a fast test for
    rows that another copy of this application wrote: the usual case on import)."""
    rules = _rules(kind)
    if len(values) != len(rules):
        return False
    for rule in rules:
        if rule.name not in values or not rule.canonical(values[rule.name]):
            return False
    return True


def non_canonical_fields(kind: RecordKind, values: Values) -> list[str]:
    """The declared fields whose value in ``values`` is missing or not what ``normalise`` makes
    of it; unknown keys are not looked at (the caller names those)."""
    return [
        rule.name
        for rule in _rules(kind)
        if rule.name not in values or not rule.canonical(values[rule.name])
    ]


def validate(kind: RecordKind, values: Values, *, final: bool) -> list[Problem]:
    problems: list[Problem] = []
    for rule in _rules(kind):
        value = values.get(rule.name)
        if value is None or value == []:
            if not (final and rule.spec.required):
                continue
        elif rule.accepts(value):
            continue  # the common, valid case; the full check below names what is wrong
        problem = _check(rule.spec, value, values, final=final)
        if problem:
            problems.append(problem)
    problems.extend(_cross_checks(kind, values))
    return problems


class _Rule:
    """A field's quick acceptance test for well-formed values (imports check every row)."""

    __slots__ = ("allowed", "high", "low", "mode", "name", "spec")

    def __init__(self, spec: FieldSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.allowed: frozenset[str] = frozenset()
        self.low = spec.minimum if spec.minimum is not None else -math.inf
        self.high = spec.maximum if spec.maximum is not None else math.inf
        t = spec.type
        if t is FieldType.TEXT or t is FieldType.LONGTEXT:
            self.mode = t.value
            self.high = spec.max_length or math.inf
        elif t is FieldType.CHOICE and spec.name != "sub_element" and spec.ref:
            self.mode = "choice"
            self.allowed = frozenset(ref_list(spec.ref).codes())
        elif t is FieldType.MULTICHOICE and spec.ref:
            self.mode = "multi"
            self.allowed = frozenset(ref_list(spec.ref).codes())
        elif t is FieldType.LINKS:
            self.mode = "links"
        elif t in _INTEGERS:
            self.mode = "int"
        elif t in _FLOATS:
            self.mode = "float"
        else:
            self.mode = "full"  # dates, lists, dependent choices: always the full check

    def canonical(self, value: Any) -> bool:
        """The value is what ``normalise`` makes of it (not whether it is valid)."""
        t = self.spec.type
        if t in _LISTS:
            return (
                type(value) is list
                and all(type(v) is str and v for v in value)
                and (value == sorted(set(value)))
            )
        if value is None:
            return True
        if t in _INTEGERS:
            return type(value) is int
        if t in _FLOATS:
            return type(value) is float
        return type(value) is str and value != "" and value == value.strip()

    def accepts(self, value: Any) -> bool:
        mode = self.mode
        if mode == "text" or mode == "longtext":
            return (
                type(value) is str
                and len(value) <= self.high
                and (mode == "longtext" or ("\n" not in value and "\r" not in value))
                and not _CONTROL.search(value)
            )
        if mode == "choice":
            return type(value) is str and value in self.allowed
        if mode == "multi":
            return type(value) is list and self.allowed.issuperset(value)
        if mode == "links":
            return type(value) is list and set(map(type, value)) <= _STRINGS
        if mode == "int":
            return type(value) is int and self.low <= value <= self.high
        if mode == "float":  # NaN fails both comparisons and goes to the full check
            return type(value) is float and self.low <= value <= self.high
        return False


_STRINGS = frozenset({str})


@cache
def _rules(kind: RecordKind) -> tuple[_Rule, ...]:
    return tuple(_Rule(spec) for spec in FIELDS[kind])


class _Label:
    """A field label translated only if a message needs it (imports validate thousands of rows)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __format__(self, format_spec: str) -> str:
        return format(_(self.text), format_spec)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_field(spec: FieldSpec, value: Any, values: Values, *, final: bool) -> Problem | None:
    """One field's type, length, range and choice rules (for field lists other than records')."""
    return _check(spec, value, values, final=final)


def _check(spec: FieldSpec, value: Any, values: Values, *, final: bool) -> Problem | None:
    label = _Label(spec.label)
    empty = value is None or value == [] or value == ""
    if empty:
        if final and spec.required:
            return Problem(spec.name, "required", _("{field} wajib diisi.").format(field=label))
        return None
    t = spec.type
    if t in (FieldType.TEXT, FieldType.LONGTEXT):
        if not isinstance(value, str):
            return _bad(spec, label)
        if spec.max_length and len(value) > spec.max_length:
            return Problem(
                spec.name,
                "too_long",
                _("{field} terlalu panjang: {n} karakter, maksimal {max}.").format(
                    field=label, n=len(value), max=spec.max_length
                ),
            )
        if t is FieldType.TEXT and ("\n" in value or "\r" in value):
            return Problem(
                spec.name, "multiline", _("{field} harus satu baris.").format(field=label)
            )
        if _CONTROL.search(value):
            return Problem(
                spec.name,
                "control_chars",
                _("{field} berisi karakter yang tidak dapat dicetak.").format(field=label),
            )
        return None
    if t is FieldType.CHOICE:
        if spec.name == "sub_element":
            allowed = {item.code for item in sub_elements(values.get("dimension"))}
            if value not in allowed:
                return Problem(
                    spec.name,
                    "not_in_dimension",
                    _("Sub-elemen tidak termasuk dalam dimensi yang dipilih."),
                )
            return None
        assert spec.ref
        if not isinstance(value, str) or ref_list(spec.ref).get(value) is None:
            return Problem(
                spec.name,
                "unknown_choice",
                _("{field}: pilihan tidak dikenal.").format(field=label),
            )
        return None
    if t is FieldType.MULTICHOICE:
        assert spec.ref
        codes = set(ref_list(spec.ref).codes())
        if not isinstance(value, list) or any(v not in codes for v in value):
            return Problem(
                spec.name,
                "unknown_choice",
                _("{field}: pilihan tidak dikenal.").format(field=label),
            )
        return None
    if t is FieldType.LINKS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _bad(spec, label)
        return None
    if t is FieldType.DATE:
        try:
            # Only yyyy-mm-dd: fromisoformat also takes 20260102 and week dates.
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            parsed = dt.date.fromisoformat(value)
        except ValueError:
            return Problem(
                spec.name, "bad_date", _("{field}: tanggal tidak valid.").format(field=label)
            )
        if not (1900 <= parsed.year <= 2100):
            return Problem(
                spec.name,
                "date_range",
                _("{field}: tahun harus antara 1900 dan 2100.").format(field=label),
            )
        return None
    # numbers
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        if t is FieldType.LATITUDE or t is FieldType.LONGITUDE:
            return _coord_problem(spec, label, "bad_type")
        return _bad(spec, label)
    if t in (FieldType.INTEGER, FieldType.MONEY) and not isinstance(value, int):
        return Problem(
            spec.name, "not_integer", _("{field} harus bilangan bulat.").format(field=label)
        )
    if spec.minimum is not None and value < spec.minimum:
        if t is FieldType.LATITUDE or t is FieldType.LONGITUDE:
            return _coord_problem(spec, label)
        return Problem(
            spec.name,
            "negative" if spec.minimum == 0 else "too_small",
            _("{field} tidak boleh kurang dari {min}.").format(field=label, min=_num(spec.minimum)),
        )
    if spec.maximum is not None and value > spec.maximum:
        if t is FieldType.LATITUDE or t is FieldType.LONGITUDE:
            return _coord_problem(spec, label)
        return Problem(
            spec.name,
            "too_large",
            _("{field} tidak masuk akal: lebih dari {max}.").format(
                field=label, max=_num(spec.maximum)
            ),
        )
    return None


def _cross_checks(kind: RecordKind, values: Values) -> list[Problem]:
    problems: list[Problem] = []
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        problems.append(
            Problem(
                missing,
                "coord_pair",
                _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."),
            )
        )
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, str) and isinstance(end, str):
        try:
            if dt.date.fromisoformat(end) < dt.date.fromisoformat(start):
                problems.append(
                    Problem(
                        "end_date",
                        "end_before_start",
                        _("Tanggal selesai tidak boleh sebelum tanggal mulai."),
                    )
                )
        except ValueError:
            pass
    return problems


def _coord_problem(spec: FieldSpec, label: _Label, code: str = "out_of_range") -> Problem:
    """Say the expected range and how to write it: a bare "tidak valid" leaves people guessing."""
    example = "-6,2345" if spec.type is FieldType.LATITUDE else "106,9876"
    return Problem(
        spec.name,
        code,
        _(
            "{field} harus angka derajat desimal antara {min} dan {max} (wilayah Indonesia), "
            "misalnya {example}; pemisah desimal boleh koma atau titik."
        ).format(
            field=label, min=_num(spec.minimum or 0), max=_num(spec.maximum or 0), example=example
        ),
    )


def _bad(spec: FieldSpec, label: _Label) -> Problem:
    return Problem(spec.name, "bad_type", _("{field}: isian tidak valid.").format(field=label))


def _num(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return str(value).replace(".", ",")


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = value.replace(".", "").replace(" ", "").replace("Rp", "").replace("rp", "")
        try:
            return int(digits)
        except ValueError:
            return value
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value
    return value
