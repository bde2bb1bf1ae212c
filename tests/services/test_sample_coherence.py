"""Sample records read like real villages: they end up in bimtek training PDFs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.validation import normalise, validate
from smartcity_desktop.services.sample_data import SampleGenerator

pytestmark = pytest.mark.postgres_ready

SEEDS = range(1, 41)
PER_SEED = 25

# What a potential of each kind may be measured in (a rule of the trade, written independently of
# the generator's themes).
UNITS_BY_POTENTIAL_TYPE = {
    "alam": {"ha"},
    "ekonomi": {"pelaku usaha", "unit usaha"},
    "wisata": {"ha", "orang", "pengunjung"},
    "sdm": {"orang"},
    "infrastruktur": {"km", "unit"},
}
# Subjects and the dimension they belong to.
DIMENSION_BY_SUBJECT = {
    "UMKM": {"economy"},
    "sampah": {"environment"},
    "stunting": {"living"},
    "gizi": {"living"},
    "air bersih": {"living"},
    "banjir": {"environment"},
    "mangrove": {"branding", "environment"},
    "surat": {"governance"},
    "tambak": {"economy", "environment"},
    "sawah": {"economy"},
}
LOWER_PLACE_WORD = re.compile(r"\b(Rw|Rt|rw|rt)\b|\bDusun [a-z]|\bKampung [a-z]")
ROMAN_LOWER = re.compile(r"\b(Ii|Iii|Iv|ii|iii|iv)\b")


def _records() -> list[tuple[RecordKind, dict[str, Any]]]:
    out: list[tuple[RecordKind, dict[str, Any]]] = []
    for seed in SEEDS:
        gen = SampleGenerator(seed, "32.16.01.2001")
        for _i in range(PER_SEED):
            out.append((RecordKind.PROBLEM, gen.problem()))
            out.append((RecordKind.POTENTIAL, gen.potential()))
            out.append((RecordKind.PROPOSAL, gen.proposal(["p1", "p2"], ["q1"])))
    return out


RECORDS = _records()


@pytest.mark.parametrize("kind", list(RecordKind))
def test_every_record_is_valid_and_final(kind: RecordKind) -> None:
    for k, values in RECORDS:
        if k is kind:
            assert validate(kind, normalise(kind, values), final=True) == []


def test_place_names_are_properly_cased() -> None:
    places = set()
    for _kind, values in RECORDS:
        for field in ("location_detail", "title", "description"):
            text = values[field]
            assert not LOWER_PLACE_WORD.search(text), text
            assert not ROMAN_LOWER.search(text), text
        detail = values["location_detail"]
        assert detail[0].isupper(), detail
        places.add(detail)
    assert any(re.fullmatch(r"RT \d\d/RW \d\d", p) for p in places)
    assert any(re.fullmatch(r"RW \d\d", p) for p in places)
    assert any(re.fullmatch(r"Dusun IV RT \d\d", p) for p in places)


def test_a_potential_is_measured_in_a_unit_that_fits_its_kind() -> None:
    for kind, values in RECORDS:
        if kind is RecordKind.POTENTIAL:
            number, unit = values["magnitude"].split(" ", 1)
            assert unit in UNITS_BY_POTENTIAL_TYPE[values["potential_type"]], values
            # the description tells the same number
            assert re.search(rf"\b{number}\b", values["description"]), values


def test_the_dimension_fits_the_subject() -> None:
    for _kind, values in RECORDS:
        # the subject, without the place ("Kampung Sawah Baru" is no rice field)
        subject_text = re.sub(
            re.escape(values["location_detail"]), "", values["title"], flags=re.IGNORECASE
        ).lower()
        for subject, dimensions in DIMENSION_BY_SUBJECT.items():
            if subject.lower() in subject_text:
                assert values["dimension"] in dimensions, (subject, values["title"])


def test_counts_and_volumes_agree_with_the_description() -> None:
    for kind, values in RECORDS:
        text = values["description"]
        if kind is RecordKind.PROBLEM:
            count, unit = values["affected_count"], values["affected_unit"]
            assert re.search(rf"\b{count}\b", text), values
            if unit == "kk":
                assert f"{count} KK" in text, values
        if kind is RecordKind.PROPOSAL:
            volume = int(values["volume"])
            assert f"{volume} {values['unit']}" in text or re.search(rf"\b{volume} \w+", text), (
                values
            )
            assert values["unit"] not in ("meter",) or "meter" in text
            assert values["end_date"] > values["start_date"]
