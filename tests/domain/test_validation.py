from __future__ import annotations

import pytest

from smartcity_desktop.domain.fields import FIELDS, MONEY_MAX, RecordKind
from smartcity_desktop.domain.validation import normalise, validate
from smartcity_desktop.i18n import set_language


def problem_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Banjir rob di Dusun Pulo",
        "description": "Air laut masuk ke tambak setiap bulan purnama.",
        "dimension": "environment",
        "sub_element": "proteksi_lingkungan",
        "severity": "berat",
    }
    values.update(overrides)
    return normalise(RecordKind.PROBLEM, values)


def codes(problems: list) -> dict[str, str]:
    return {p.field: p.code for p in problems}


def test_a_complete_problem_is_valid_for_finalising() -> None:
    assert validate(RecordKind.PROBLEM, problem_values(), final=True) == []


def test_empty_required_fields_block_finalising_but_not_a_draft() -> None:
    values = normalise(RecordKind.PROBLEM, {"title": "  "})
    problems = validate(RecordKind.PROBLEM, values, final=True)
    assert codes(problems) == {
        "title": "required",
        "description": "required",
        "dimension": "required",
        "sub_element": "required",
        "severity": "required",
    }
    assert "Judul wajib diisi." in [p.message for p in problems]
    assert validate(RecordKind.PROBLEM, values, final=False) == []


def test_messages_follow_the_language() -> None:
    set_language("en")
    problems = validate(RecordKind.PROBLEM, normalise(RecordKind.PROBLEM, {}), final=True)
    assert "Title is required." in [p.message for p in problems]


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (-91, 107.0, "latitude"),
        (48.8, 2.3, "latitude"),
        (-6.2, 200, "longitude"),
        (-6.2, 10.0, "longitude"),
    ],
)
def test_coordinates_outside_indonesia_are_refused(lat: float, lon: float, field: str) -> None:
    problems = validate(
        RecordKind.PROBLEM, problem_values(latitude=lat, longitude=lon), final=False
    )
    assert codes(problems)[field] == "out_of_range"
    assert "(wilayah Indonesia)" in problems[0].message


def test_coordinates_accept_a_decimal_comma_and_must_come_in_pairs() -> None:
    values = problem_values(latitude="-6,2345", longitude="107,1")
    assert values["latitude"] == pytest.approx(-6.2345)
    assert validate(RecordKind.PROBLEM, values, final=True) == []
    assert codes(validate(RecordKind.PROBLEM, problem_values(latitude=-6.2), final=False)) == {
        "longitude": "coord_pair"
    }


def proposal(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Layanan surat desa daring",
        "description": "Warga mengajukan surat lewat ponsel.",
        "dimension": "governance",
        "sub_element": "pelayanan_publik",
    }
    values.update(overrides)
    return normalise(RecordKind.PROPOSAL, values)


@pytest.mark.parametrize(
    ("cost", "code"),
    [
        (-5, "negative"),
        (MONEY_MAX + 1, "too_large"),
        ("10 miliar", "bad_type"),
        (1.5, "not_integer"),
    ],
)
def test_negative_or_absurd_amounts_are_refused(cost: object, code: str) -> None:
    problems = validate(RecordKind.PROPOSAL, proposal(estimated_cost=cost), final=False)
    assert codes(problems)["estimated_cost"] == code


def test_rupiah_text_with_thousands_separators_is_understood() -> None:
    values = proposal(estimated_cost="Rp 1.500.000")
    assert values["estimated_cost"] == 1_500_000
    assert validate(RecordKind.PROPOSAL, values, final=True) == []


def test_over_long_text_is_refused_with_its_length() -> None:
    problems = validate(RecordKind.PROBLEM, problem_values(title="x" * 201), final=False)
    assert codes(problems) == {"title": "too_long"}
    assert "201" in problems[0].message and "200" in problems[0].message


def test_one_line_fields_refuse_line_breaks_and_control_characters() -> None:
    assert codes(validate(RecordKind.PROBLEM, problem_values(title="a\nb"), final=False)) == {
        "title": "multiline"
    }
    assert codes(
        validate(RecordKind.PROBLEM, problem_values(description="a\x00b"), final=False)
    ) == {"description": "control_chars"}


def test_sub_element_must_belong_to_the_chosen_dimension() -> None:
    values = problem_values(dimension="economy", sub_element="kesehatan")
    assert codes(validate(RecordKind.PROBLEM, values, final=False)) == {
        "sub_element": "not_in_dimension"
    }


def test_unknown_choices_dates_and_date_order() -> None:
    values = proposal(
        funding_source="bank-dunia",
        start_date="2027-05-01",
        end_date="2027-01-01",
        partners=["akademisi", "alien"],
    )
    assert codes(validate(RecordKind.PROPOSAL, values, final=False)) == {
        "funding_source": "unknown_choice",
        "partners": "unknown_choice",
        "end_date": "end_before_start",
    }
    assert codes(validate(RecordKind.PROPOSAL, proposal(start_date="2027-02-30"), final=False)) == {
        "start_date": "bad_date"
    }


def test_nan_and_booleans_are_not_numbers() -> None:
    assert codes(
        validate(RecordKind.PROBLEM, problem_values(affected_count=True), final=False)
    ) == {"affected_count": "bad_type"}
    values = problem_values(latitude=float("nan"), longitude=107.0)
    assert codes(validate(RecordKind.PROBLEM, values, final=False))["latitude"] == "bad_type"


def test_every_field_spec_is_well_formed() -> None:
    for kind, specs in FIELDS.items():
        names = [s.name for s in specs]
        assert len(names) == len(set(names)), kind
        for spec in specs:
            if spec.type.value in ("choice", "multichoice"):
                assert spec.ref, spec.name


@pytest.mark.parametrize(
    "raw",
    [
        {"title": " Banjir ", "description": "x"},
        {"title": "Banjir", "description": "x", "affected_count": "12"},
        {"title": "Banjir", "latitude": -6},
        {"title": "", "description": "x"},
        {"title": "Banjir", "extra": 1},
    ],
)
def test_is_canonical_agrees_with_normalise(raw: dict[str, object]) -> None:
    from smartcity_desktop.domain.validation import is_canonical

    full = {spec.name: None for spec in FIELDS[RecordKind.PROBLEM]}
    full.update(raw)
    from smartcity_desktop.domain.records import canonical_json

    same = canonical_json(normalise(RecordKind.PROBLEM, full)) == canonical_json(full)
    assert is_canonical(RecordKind.PROBLEM, full) == same
    normalised = normalise(RecordKind.PROBLEM, full)
    assert is_canonical(RecordKind.PROBLEM, normalised)


def test_is_canonical_for_lists() -> None:
    from smartcity_desktop.domain.validation import is_canonical

    values = normalise(
        RecordKind.PROPOSAL, {"partners": ["media", "akademisi"], "problem_ids": ["b", "a", "a"]}
    )
    assert values["partners"] == ["akademisi", "media"] and is_canonical(
        RecordKind.PROPOSAL, values
    )
    for bad in (["media", "akademisi"], ["a", "a"], None, [""]):
        assert not is_canonical(RecordKind.PROPOSAL, {**values, "partners": bad})
