"""A restore of an older backup never makes the office send a bundle number again: the highest
number taken is kept outside the database, and the next export continues past it."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.services import trust
from smartcity_desktop.services.backups import back_up_now, restore_backup
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.sample_data import SampleRequest, generate
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready


def _export(ctx: AppContext, out: Path) -> tuple[Path, int]:
    result = export_bundle(ctx, PASSPHRASE, out)
    return result.paths[0], result.sequence


def _restore_older_backup_then_export(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, *, forget_mark: bool
) -> None:
    trust.pin_office(kecamatan_ctx, desa_ctx.office.code, office_fingerprint(desa_ctx))
    paths = desa_ctx.paths
    generate(desa_ctx, SampleRequest(problems=2, potentials=1, proposals=0, seed=1))
    first, one = _export(desa_ctx, tmp_path / "1.scb")
    backup = back_up_now(desa_ctx)  # knows bundle 1 only
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, seed=2))
    second, two = _export(desa_ctx, tmp_path / "2.scb")
    for bundle in (first, second):
        assert import_files(kecamatan_ctx, [bundle])[0].status == "imported"
    desa_ctx.close()
    if forget_mark:  # an office whose last bundles were sent by a version without the mark
        from smartcity_desktop.storage import bundle_numbers

        bundle_numbers.mark_path(paths.root).unlink()

    restore_backup(paths, backup)

    restored = open_context(paths)
    try:
        generate(restored, SampleRequest(problems=1, potentials=0, proposals=0, seed=3))
        third, three = _export(restored, tmp_path / "3.scb")
    finally:
        restored.close()
    assert (one, two) == (1, 2)
    assert three == 3  # not 2 again: that number already reached the kecamatan
    report = import_files(kecamatan_ctx, [third])[0]
    assert report.status == "imported", [f.code for f in report.findings]


def test_after_restoring_an_older_backup_the_next_bundle_number_continues(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    _restore_older_backup_then_export(desa_ctx, kecamatan_ctx, tmp_path, forget_mark=False)


def test_a_restore_takes_the_numbers_from_the_replaced_database_when_no_mark_exists(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    _restore_older_backup_then_export(desa_ctx, kecamatan_ctx, tmp_path, forget_mark=True)


def test_a_number_given_back_after_a_failed_write_is_used_again(
    desa_ctx: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.exchange import export_journal
    from smartcity_desktop.storage import bundle_numbers

    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, seed=1))
    number = export_journal.reserve(desa_ctx, key_id="k", full=True, counts={}, folder=tmp_path)
    assert bundle_numbers.highest_taken(desa_ctx.paths.root) == number
    export_journal.release(desa_ctx, number)
    assert bundle_numbers.highest_taken(desa_ctx.paths.root) == number - 1
    assert export_bundle(desa_ctx, PASSPHRASE, tmp_path / "a.scb").sequence == number
