"""Provenance above the village: names of the owning desa and kecamatan, trust mark, and the
bundles that brought a record, with real offices and real imported bundles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.services.office import init_office
from smartcity_desktop.services.origin_columns import ORIGIN_DESA, ORIGIN_KECAMATAN
from smartcity_desktop.services.provenance import (
    EARLIER_SHOWN,
    origin_places,
    record_provenance,
    shows_origin,
    trust_label,
)
from smartcity_desktop.services.records import RecordNotFound, RecordService
from smartcity_desktop.storage.models import BundleLedger
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE
from tests.services.test_exchange import export, one, pin
from tests.services.test_records import PROBLEM

pytestmark = pytest.mark.postgres_ready


SECOND_DESA = "32.16.01.2002"  # Segarajaya, Tarumajaya
OTHER_KECAMATAN_DESA = "32.16.02.2001"  # Bunibakti, Babelan


@pytest.fixture(scope="module")
def more_desa_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("more-desa")
    out: dict[str, Path] = {}
    for code in (SECOND_DESA, OTHER_KECAMATAN_DESA):
        folder = root / code
        init_office(
            DataPaths(folder),
            role="desa",
            office_code=code,
            operator="Operator Uji",
            passphrase=PASSPHRASE,
        )
        out[code] = folder
    return out


def open_copy(template: Path, target: Path) -> AppContext:
    shutil.copytree(template, target)
    return open_context(DataPaths(target))


@pytest.fixture
def segarajaya(more_desa_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_copy(more_desa_templates[SECOND_DESA], tmp_path / "segarajaya")
    yield ctx
    ctx.close()


@pytest.fixture
def bunibakti(more_desa_templates: dict[str, Path], tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_copy(more_desa_templates[OTHER_KECAMATAN_DESA], tmp_path / "bunibakti")
    yield ctx
    ctx.close()


def add_problem(ctx: AppContext, title: str) -> str:
    service = RecordService(ctx)
    record_id = service.create(RecordKind.PROBLEM, {**PROBLEM, "title": title}).ids[0]
    service.finalise(RecordKind.PROBLEM, record_id)
    return record_id


def send(sender: AppContext, receiver: AppContext, folder: Path, name: str) -> None:
    pin(receiver, sender)
    folder.mkdir(exist_ok=True)
    report = one(import_files(receiver, [export(sender, folder, name)]))
    assert report.status == "imported", report.findings


def clocked(ctx: AppContext, when: datetime) -> None:
    ctx.clock = lambda: when


def test_kecamatan_list_rows_name_the_owning_desa_and_kecamatan(
    desa_ctx: AppContext, segarajaya: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    first = add_problem(desa_ctx, "Jalan desa berlubang")
    second = add_problem(segarajaya, "Banjir rob di pesisir")
    own = add_problem(kecamatan_ctx, "Catatan kantor kecamatan")
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "sagara.scb")
    send(segarajaya, kecamatan_ctx, tmp_path / "out", "segara.scb")

    rows = RecordService(kecamatan_ctx).table_rows(
        RecordKind.PROBLEM, ["title", ORIGIN_DESA, ORIGIN_KECAMATAN, "trust_level"]
    )
    by_id = {r[0]: tuple(r[1:]) for r in rows}
    assert by_id[first][1:] == ("32.16.01.2001", "32.16.01", "locally_trusted")
    assert by_id[second][1:] == ("32.16.01.2002", "32.16.01", "locally_trusted")
    assert by_id[own][1:] == (None, "32.16.01", None)

    places = origin_places(kecamatan_ctx)
    assert places.name("32.16.01.2001") == "Desa Sagara Makmur"
    assert places.name("32.16.01.2002") == "Desa Segarajaya"
    assert places.name("32.16.01") == "Kecamatan Tarumajaya"
    assert places.short_name("32.16.01") == "Tarumajaya"
    assert places.short_name(None) == "" and places.name("99.99") == "99.99"
    assert places.kecamatan == [("32.16.01", "Kecamatan Tarumajaya")]
    desa = dict(places.desa_choices(None))
    assert desa["32.16.01.2001"] == "Desa Sagara Makmur"
    assert desa["32.16.01.1007"] == "Kelurahan Setia Asih"
    assert all(code.startswith("32.16.01.") for code in desa)
    assert shows_origin(kecamatan_ctx) and not shows_origin(desa_ctx)


def test_kabupaten_places_group_every_desa_under_its_kecamatan(
    kabupaten_ctx: AppContext,
) -> None:
    places = origin_places(kabupaten_ctx)
    kecamatan = dict(places.kecamatan)
    assert kecamatan["32.16.01"] == "Kecamatan Tarumajaya"
    assert kecamatan["32.16.02"] == "Kecamatan Babelan"
    assert all(code.startswith("32.16.") for code in kecamatan)
    babelan = dict(places.desa_choices("32.16.02"))
    assert babelan["32.16.02.2001"] == "Desa Bunibakti"
    assert not any(code.startswith("32.16.01.") for code in babelan)
    assert len(places.desa_choices(None)) == sum(len(v) for v in places.desa_by_kecamatan.values())


def test_a_received_record_shows_the_bundles_that_brought_it(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    desa, kec = desa_ctx, kecamatan_ctx
    changed = add_problem(desa, "Krisis air bersih")
    steady = add_problem(desa, "Sampah menumpuk di sungai")
    clocked(kec, datetime(2026, 12, 1, 3, 0))
    send(desa, kec, tmp_path / "out", "satu.scb")
    RecordService(desa).update(
        RecordKind.PROBLEM, changed, {**PROBLEM, "title": "Krisis air bersih (diperbarui)"}
    )
    clocked(kec, datetime(2026, 12, 3, 4, 30))
    send(desa, kec, tmp_path / "out", "dua.scb")

    prov = record_provenance(kec, RecordKind.PROBLEM, changed)
    assert not prov.owned_here and prov.owner_office == "32.16.01.2001"
    assert prov.desa_name == "Desa Sagara Makmur"
    assert prov.kecamatan_name == "Kecamatan Tarumajaya"
    assert prov.revision == 2 and prov.trust == "dipercaya lokal"
    assert [(b.sequence, b.current, b.imported_at) for b in prov.bundles] == [
        (2, True, datetime(2026, 12, 3, 4, 30)),
        (1, False, datetime(2026, 12, 1, 3, 0)),
    ]
    current = prov.current_bundle
    assert current is not None and current.content_hash == prov.source_bundle
    assert current.sender_name == "Desa Sagara Makmur"
    assert current.via_office is None and current.via_label == "langsung"
    assert current.trust_level == "locally_trusted" and current.file_name.endswith(".scb")

    # A record that did not change since the first bundle was brought by that one.
    steady_prov = record_provenance(kec, RecordKind.PROBLEM, steady)
    assert [(b.sequence, b.current) for b in steady_prov.bundles] == [(1, True)]


def test_a_forwarded_bundle_names_the_kecamatan_it_came_through(
    bunibakti: AppContext, kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    record_id = add_problem(bunibakti, "Irigasi sawah rusak")
    send(bunibakti, kabupaten_ctx, tmp_path / "out", "bunibakti.scb")
    prov = record_provenance(kabupaten_ctx, RecordKind.PROBLEM, record_id)
    assert prov.kecamatan_name == "Kecamatan Babelan"
    assert prov.desa_name == "Desa Bunibakti"
    assert prov.current_bundle is not None and prov.current_bundle.via_label == "langsung"

    # Forwarding itself is another part of the chain; what the ledger records for it, the
    # forwarding office's code (or its outer bundle's hash), is shown by name.
    with kabupaten_ctx.db.transaction() as session:
        session.execute(update(BundleLedger).values(forwarded_by="32.16.02"))
    forwarded = record_provenance(kabupaten_ctx, RecordKind.PROBLEM, record_id).current_bundle
    assert forwarded is not None
    assert forwarded.via_office == "32.16.02" and forwarded.via_label == "Kecamatan Babelan"


def test_an_own_record_has_no_bundles_and_an_unknown_one_is_refused(
    kecamatan_ctx: AppContext,
) -> None:
    own = add_problem(kecamatan_ctx, "Catatan kantor kecamatan")
    prov = record_provenance(kecamatan_ctx, RecordKind.PROBLEM, own)
    assert prov.owned_here and prov.bundles == [] and prov.trust == ""
    assert prov.desa_name == "" and prov.kecamatan_name == "Kecamatan Tarumajaya"
    with pytest.raises(RecordNotFound):
        record_provenance(kecamatan_ctx, RecordKind.PROBLEM, "tidak-ada")


def test_trust_labels_follow_the_readme_wording() -> None:
    assert trust_label("certified") == "bersertifikat"
    assert trust_label("locally_trusted") == "dipercaya lokal"
    assert trust_label(None) == ""


def test_a_long_history_lists_the_latest_earlier_bundles_and_counts_the_rest(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    for n in range(1, EARLIER_SHOWN + 2):
        add_problem(desa_ctx, f"Catatan nomor {n}")
        send(desa_ctx, kecamatan_ctx, tmp_path / "out", f"paket-{n}.scb")
    last = add_problem(desa_ctx, "Catatan terakhir")
    send(desa_ctx, kecamatan_ctx, tmp_path / "out", "paket-akhir.scb")
    prov = record_provenance(kecamatan_ctx, RecordKind.PROBLEM, last)
    total = EARLIER_SHOWN + 2
    assert [b.sequence for b in prov.bundles] == list(range(total, total - EARLIER_SHOWN - 1, -1))
    assert prov.more_earlier == 1
