"""What the review screens read: a record spelt out, merge targets, first bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind, field_spec
from smartcity_desktop.domain.reference import ref_list, sub_elements
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.review_desk import (
    EMPTY,
    bundles_received,
    merge_candidates,
    record_details,
    value_text,
)
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import DESA_CODE
from tests.services.review_helpers import ids, send

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def village(desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=3, photos=0, seed=4))
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "desa-1.scb")
    return kecamatan_ctx


def test_record_details_name_every_field_and_spell_out_codes(village: AppContext) -> None:
    proposal = RecordService(village).records(RecordKind.PROPOSAL)[0]
    details = record_details(village, "proposal", proposal.id)
    assert details.office_name == "Desa Sagara Makmur"
    assert details.title == proposal.title and details.revision == proposal.revision
    labels = [label for label, _text in details.fields]
    assert labels[:2] == ["Judul", "Gagasan"]
    assert len(labels) == len(RecordService(village).get(RecordKind.PROPOSAL, proposal.id).values)
    shown = dict(details.fields)
    values = proposal.values
    assert shown["Dimensi"] == ref_list("dimensions").label(values["dimension"])
    sub = next(i for i in sub_elements(values["dimension"]) if i.code == values["sub_element"])
    assert shown["Sub-elemen"] == sub.label()
    if values.get("problem_ids"):  # linked problems by title, not by id
        titles = {r.id: r.title for r in RecordService(village).records(RecordKind.PROBLEM)}
        assert shown["Masalah yang diatasi"] == "; ".join(titles[i] for i in values["problem_ids"])


def test_value_text_formats_each_field_type() -> None:
    spec = field_spec(RecordKind.PROPOSAL, "estimated_cost")
    assert value_text(spec, 125_000_000, {}) == "Rp 125.000.000"
    assert value_text(field_spec(RecordKind.PROBLEM, "since_date"), "2024-01-15", {}) == (
        "15 Januari 2024"
    )
    assert value_text(field_spec(RecordKind.PROBLEM, "affected_count"), 1200, {}) == "1.200"
    partners = ref_list("pentahelix").items[:2]
    assert value_text(
        field_spec(RecordKind.PROPOSAL, "partners"), [p.code for p in partners], {}
    ) == ", ".join(p.label() for p in partners)
    assert value_text(field_spec(RecordKind.PROBLEM, "causes"), None, {}) == EMPTY
    assert value_text(field_spec(RecordKind.PROBLEM, "causes"), "", {}) == EMPTY


def test_merge_candidates_are_the_same_kind_and_village_but_not_itself(
    village: AppContext,
) -> None:
    proposals = ids(village, RecordKind.PROPOSAL, DESA_CODE)
    found = merge_candidates(village, "proposal", DESA_CODE, proposals[0])
    assert {c.id for c in found} == set(proposals[1:])
    assert [c.title.casefold() for c in found] == sorted(c.title.casefold() for c in found)
    with pytest.raises(ValueError):
        merge_candidates(village, "review; DROP TABLE problem", DESA_CODE, proposals[0])


def test_bundles_received_counts_imports(kecamatan_ctx: AppContext, village: AppContext) -> None:
    assert bundles_received(village) == 1


def test_nothing_received_yet(kecamatan_ctx: AppContext) -> None:
    assert bundles_received(kecamatan_ctx) == 0
