from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import Status
from smartcity_desktop.services.changes import Action
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.records import (
    ListFilter,
    NotOwnRecord,
    RecordNotFound,
    RecordService,
    ValidationFailed,
    fts_query,
)

pytestmark = pytest.mark.postgres_ready


PROBLEM: dict[str, Any] = {
    "title": "Krisis air bersih musim kemarau",
    "description": "Sumur warga kering dari Juli sampai Oktober.",
    "dimension": "living",
    "sub_element": "kesehatan",
    "severity": "berat",
    "affected_count": "120",
    "affected_unit": "kk",
}


@pytest.fixture
def service(desa_ctx: AppContext) -> RecordService:
    return RecordService(desa_ctx)


def test_a_draft_can_be_incomplete_and_starts_at_revision_zero(service: RecordService) -> None:
    change = service.create(RecordKind.PROBLEM, {"title": "Jalan rusak"})
    assert change.action is Action.CREATED and change.revision == 0
    record = service.get(RecordKind.PROBLEM, change.ids[0])
    assert record.status is Status.DRAFT and record.revision == 0
    assert record.office_code == service.ctx.office.code
    assert record.author == "Operator Uji"
    assert len(record.content_hash) == 64


def test_a_malformed_draft_is_never_saved(service: RecordService) -> None:
    with pytest.raises(ValidationFailed) as err:
        service.create(RecordKind.PROBLEM, {"title": "x" * 500, "latitude": 99, "longitude": 1})
    assert {p.field for p in err.value.problems} == {"title", "latitude", "longitude"}
    assert service.counts()["problem"] == 0


def test_finalising_needs_valid_data_and_makes_revision_one(service: RecordService) -> None:
    record_id = service.create(RecordKind.PROBLEM, {"title": "Jalan rusak"}).ids[0]
    with pytest.raises(ValidationFailed):
        service.finalise(RecordKind.PROBLEM, record_id)
    assert service.get(RecordKind.PROBLEM, record_id).status is Status.DRAFT
    service.update(RecordKind.PROBLEM, record_id, PROBLEM)
    change = service.finalise(RecordKind.PROBLEM, record_id)
    assert change.action is Action.FINALISED and change.revision == 1


def test_editing_a_final_record_makes_a_new_revision(service: RecordService) -> None:
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    first = service.get(RecordKind.PROBLEM, record_id)
    change = service.update(RecordKind.PROBLEM, record_id, {**PROBLEM, "severity": "sedang"})
    assert change.revision == 2
    second = service.get(RecordKind.PROBLEM, record_id)
    assert second.status is Status.FINAL and second.content_hash != first.content_hash
    # saving the same values again is not a change
    assert service.update(
        RecordKind.PROBLEM, record_id, {**PROBLEM, "severity": "sedang"}
    ).details == {"unchanged": True}
    assert service.get(RecordKind.PROBLEM, record_id).revision == 2
    # a final record cannot be emptied
    with pytest.raises(ValidationFailed):
        service.update(RecordKind.PROBLEM, record_id, {**PROBLEM, "title": ""})


def test_delete_leaves_a_tombstone_with_a_new_revision(service: RecordService) -> None:
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    change = service.delete(RecordKind.PROBLEM, record_id)
    assert change.action is Action.DELETED and change.revision == 2
    tomb = service.get(RecordKind.PROBLEM, record_id)
    assert tomb.deleted and tomb.revision == 2
    assert service.counts()["problem"] == 0
    assert service.records(RecordKind.PROBLEM, ListFilter(include_deleted=True))[0].deleted
    assert service.search("air bersih") == []
    with pytest.raises(RecordNotFound):
        service.update(RecordKind.PROBLEM, record_id, PROBLEM)


def test_records_of_another_office_are_read_only(service: RecordService) -> None:
    record_id = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    with service.ctx.db.transaction() as s:  # as if imported from a neighbouring village
        s.execute(
            text("UPDATE problem SET office_code = '32.16.01.2002' WHERE id = :id"),
            {"id": record_id},
        )
    for call in (
        lambda: service.update(RecordKind.PROBLEM, record_id, PROBLEM),
        lambda: service.delete(RecordKind.PROBLEM, record_id),
    ):
        with pytest.raises(NotOwnRecord) as err:
            call()
        assert "32.16.01.2002" in str(err.value)


def test_a_proposal_links_to_problems_and_potentials(service: RecordService) -> None:
    problem = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    potential = service.create(
        RecordKind.POTENTIAL,
        {
            "title": "Karang taruna aktif",
            "description": "40 pemuda melek digital.",
            "potential_type": "sdm",
            "dimension": "society",
        },
        finalise=True,
    ).ids[0]
    proposal = {
        "title": "Panen air hujan",
        "description": "Tandon komunal di tiap RW.",
        "dimension": "living",
        "sub_element": "kesehatan",
        "problem_ids": [problem],
        "potential_ids": [potential],
        "estimated_cost": "Rp 75.000.000",
        "partners": ["komunitas", "pemerintah"],
    }
    record_id = service.create(RecordKind.PROPOSAL, proposal, finalise=True).ids[0]
    record = service.get(RecordKind.PROPOSAL, record_id)
    assert record.values["problem_ids"] == [problem]
    assert record.values["potential_ids"] == [potential]
    assert record.values["estimated_cost"] == 75_000_000
    assert record.values["partners"] == ["komunitas", "pemerintah"]
    with pytest.raises(ValidationFailed) as err:
        service.create(RecordKind.PROPOSAL, {**proposal, "problem_ids": ["no-such-id"]})
    assert err.value.problems[0].code == "unknown_link"


def test_full_text_search_finds_words_and_prefixes(service: RecordService) -> None:
    a = service.create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
    b = service.create(
        RecordKind.PROBLEM,
        {**PROBLEM, "title": "Banjir rob merendam tambak", "description": "Air laut pasang."},
    ).ids[0]
    assert service.search("kemarau") == [("problem", a)]
    assert {i for _, i in service.search("air")} == {a, b}
    assert service.search("tamb") == [("problem", b)]
    assert service.search("BANJIR rob") == [("problem", b)]
    assert service.search('"; DROP TABLE problem; --') == []
    rows = service.table_rows(RecordKind.PROBLEM, ["title"], ListFilter(search="banjir"))
    assert [r.id for r in rows] == [b]
    service.update(RecordKind.PROBLEM, b, {**PROBLEM, "title": "Genangan di jalan desa"})
    assert service.search("banjir") == []


def test_filters_by_dimension_status_and_sector(service: RecordService) -> None:
    service.create(RecordKind.PROBLEM, PROBLEM, finalise=True)
    service.create(
        RecordKind.PROBLEM,
        {**PROBLEM, "dimension": "environment", "sub_element": "sampah_limbah", "urusan": "2.11"},
    )
    rows = service.table_rows(
        RecordKind.PROBLEM, ["title", "status"], ListFilter(dimension="environment")
    )
    assert [r.status for r in rows] == ["draft"]
    assert len(service.table_rows(RecordKind.PROBLEM, ["title"], ListFilter(status="final"))) == 1
    assert len(service.table_rows(RecordKind.PROBLEM, ["title"], ListFilter(urusan="2.11"))) == 1


def test_form_drafts_survive_and_can_be_discarded(service: RecordService) -> None:
    service.save_form_draft("problem:new:1", {"title": "Setengah diketik"})
    payload, saved_at = service.load_form_draft("problem:new:1") or ({}, None)
    assert payload == {"title": "Setengah diketik"} and saved_at is not None
    assert service.form_draft_keys() == ["problem:new:1"]
    service.discard_form_draft("problem:new:1")
    assert service.load_form_draft("problem:new:1") is None


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('air "bersih" OR*') == '"air"* "bersih"* "OR"*'
    assert fts_query("  ") == ""


def test_link_choices_list_live_records_by_title(service: RecordService) -> None:
    b = service.create(RecordKind.PROBLEM, {**PROBLEM, "title": "B jalan"}, finalise=True).ids[0]
    a = service.create(RecordKind.PROBLEM, {"title": "A draf"}).ids[0]
    gone = service.create(RecordKind.PROBLEM, {"title": "C hapus"}).ids[0]
    service.delete(RecordKind.PROBLEM, gone)
    assert service.link_choices(RecordKind.PROBLEM) == [
        (a, "A draf", "draft"),
        (b, "B jalan", "final"),
    ]
