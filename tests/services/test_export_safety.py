"""Export under kill -9 and under competition: a bundle number is never given to two bundles, and
nothing counts as sent that did not go out in a complete bundle.

The exports that get interrupted run as real CLI processes; a small wrapper pauses one right after
the operating system gave its file a final name (the moment a crash is most harmful), so that the
test can kill it there with SIGKILL or start a second export against it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from smartcity_desktop.bundles.progress import NoProgress
from smartcity_desktop.bundles.reader import VerificationResult, verify_bundle
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.exchange import export_bundle, last_export, pending_counts
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.models import BundleExport
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.postgres_ready

ROOT = Path(__file__).resolve().parents[2]
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")

# Runs the real CLI; after the first rename that gives a bundle file its final name it writes that
# name to READY and waits until GO exists (or forever, until killed).
PAUSING_CLI = r"""
import os, sys, time
ready, go = sys.argv[1], sys.argv[2]
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    name = os.path.basename(os.fspath(dst))
    if name.endswith(".scb") and not name.startswith(".") and not os.path.exists(ready):
        with open(ready + ".tmp", "w") as handle:
            handle.write(name)
        real_replace(ready + ".tmp", ready)
        while not os.path.exists(go):
            time.sleep(0.01)
os.replace = replace
from smartcity_desktop.cli.main import main
sys.exit(main(sys.argv[3:]))
"""


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), SMARTCITY_PASSPHRASE=PASSPHRASE, SMARTCITY_LANG="id")
    return env


@dataclass
class PausedExport:
    process: subprocess.Popen[str]
    ready: Path
    go: Path

    def wait_paused(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while not self.ready.exists():
            if self.process.poll() is not None:
                _out, err = self.process.communicate()
                pytest.fail(f"export ended before pausing: {err}")
            if time.monotonic() > deadline:
                pytest.fail("export never reached the rename")
            time.sleep(0.02)
        return self.ready.read_text()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def resume(self) -> tuple[int, str, str]:
        self.go.touch()
        out, err = self.process.communicate(timeout=120)
        return self.process.returncode, out, err


def start_paused_export(paths: DataPaths, out: Path, tmp: Path, *extra: str) -> PausedExport:
    ready, go = tmp / "ready", tmp / "go"
    cli = ["--data-dir", str(paths.root), "export", "--out", str(out), *extra]
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING_CLI, str(ready), str(go), *cli],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return PausedExport(process, ready, go)


def run_cli(paths: DataPaths, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smartcity_desktop.cli.main", "--data-dir", str(paths.root), *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def exports(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.db.session() as session:
        rows = session.scalars(select(BundleExport).order_by(BundleExport.sequence)).all()
    return [(row.sequence, row.status) for row in rows]


def verified(path: Path) -> VerificationResult:
    result = verify_bundle(path)  # signature and content; no trust needed to read the number
    assert result.ok and result.header is not None, result.problems
    return result


def bundle_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def office(desa_paths: DataPaths) -> Iterator[DataPaths]:
    ctx = open_context(desa_paths)
    try:
        generate(ctx, SampleRequest(problems=6, potentials=3, proposals=4, photos=2, seed=5))
    finally:
        ctx.close()
    yield desa_paths


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@POSIX_ONLY
def test_a_kill_after_the_file_got_its_name_never_reuses_its_number(
    office: DataPaths, out: Path, tmp_path: Path
) -> None:
    ctx = open_context(office)
    unsent = pending_counts(ctx)
    ctx.close()
    export = start_paused_export(office, out, tmp_path)
    name = export.wait_paused()
    export.kill()
    assert bundle_files(out) == [name]  # a complete, signed bundle #1 exists, unrecorded or pending
    first = verified(out / name)
    assert first.header is not None and first.header.sequence == 1

    ctx = open_context(office)  # the next start closes the interrupted export
    try:
        assert pending_counts(ctx) == unsent  # nothing counts as sent: it did not go out
        assert last_export(ctx) is None
        result = export_bundle(ctx, PASSPHRASE, out)
        assert result.sequence == 2
        assert verified(result.paths[0]).header.sequence == 2  # type: ignore[union-attr]
        assert verified(out / name).content_hash == first.content_hash  # #1 left as it was
        assert exports(ctx) == [(1, "abandoned"), (2, "done")]
        assert not any(pending_counts(ctx).values())
    finally:
        ctx.close()


@POSIX_ONLY
def test_a_record_added_after_the_kill_reaches_the_kecamatan(
    office: DataPaths, out: Path, tmp_path: Path, kecamatan_ctx: AppContext
) -> None:
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.exchange import import_files
    from smartcity_desktop.services.office import office_fingerprint
    from smartcity_desktop.services.records import RecordService
    from tests.services.test_records import PROBLEM

    export = start_paused_export(office, out, tmp_path)
    name = export.wait_paused()
    export.kill()
    # The complete file was already on its way (copied to a phone, say) before anyone noticed.
    first = Path(shutil.copy(out / name, tmp_path / name))
    ctx = open_context(office)
    try:
        trust.pin_office(kecamatan_ctx, ctx.office.code, office_fingerprint(ctx))
        added = RecordService(ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
        second = export_bundle(ctx, PASSPHRASE, out).paths[0]
    finally:
        ctx.close()

    # The receiver gets the interrupted bundle and the next one: both import, neither is taken for
    # a stolen key, and the record added in between arrives.
    reports = import_files(kecamatan_ctx, [first, second])
    assert [r.status for r in reports] == ["imported", "imported"], [
        f.code for r in reports for f in r.findings
    ]
    received = {r.id for r in RecordService(kecamatan_ctx).records(RecordKind.PROBLEM)}
    assert added in received


@POSIX_ONLY
def test_a_kill_while_parts_get_their_names_leaves_no_incomplete_set(
    office: DataPaths, out: Path, tmp_path: Path
) -> None:
    export = start_paused_export(office, out, tmp_path, "--max-part-size", "64K")
    first_part = export.wait_paused()
    export.kill()
    assert ".part01-of-" in first_part
    assert first_part in bundle_files(out)  # one part of many has its final name

    ctx = open_context(office)
    try:
        # The parts that did get final names can never be joined: removed with the number.
        assert [n for n in bundle_files(out) if not n.startswith(".")] == []
        assert exports(ctx) == [(1, "abandoned")]
        unsent = pending_counts(ctx)
        assert all(unsent.values())
        result = export_bundle(ctx, PASSPHRASE, out, max_part_size=64 * 1024)
        assert result.sequence == 2 and len(result.paths) > 1
        assert not any(pending_counts(ctx).values())
    finally:
        ctx.close()


@POSIX_ONLY
def test_two_exports_at_once_the_second_is_told_to_wait(
    office: DataPaths, out: Path, tmp_path: Path
) -> None:
    first = start_paused_export(office, out, tmp_path)
    name = first.wait_paused()
    second_out = tmp_path / "second"
    second_out.mkdir()

    second = run_cli(office, "export", "--out", str(second_out))

    assert second.returncode == 1
    assert "sedang membuat paket" in second.stderr
    assert "Traceback" not in second.stderr
    assert bundle_files(second_out) == []  # not even a temporary file
    code, stdout, stderr = first.resume()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "IntegrityError" not in stderr
    assert "Paket nomor 1 dibuat" in stdout
    assert bundle_files(out) == [name]
    ctx = open_context(office)
    try:
        assert exports(ctx) == [(1, "done")]
        assert not any(pending_counts(ctx).values())
    finally:
        ctx.close()


@POSIX_ONLY
def test_a_start_while_another_process_exports_leaves_its_export_alone(
    office: DataPaths, out: Path, tmp_path: Path
) -> None:
    export = start_paused_export(office, out, tmp_path)
    export.wait_paused()
    ctx = open_context(office)  # e.g. the desktop opening while a scheduled export runs
    try:
        assert exports(ctx) == [(1, "pending")]
    finally:
        ctx.close()
    code, _out, stderr = export.resume()
    assert code == 0, stderr
    ctx = open_context(office)
    try:
        assert exports(ctx) == [(1, "done")]
    finally:
        ctx.close()


@POSIX_ONLY
def test_the_send_page_data_names_an_abandoned_number_until_a_later_bundle(
    office: DataPaths, out: Path, tmp_path: Path
) -> None:
    from smartcity_desktop.services.bundle_views import last_export_summary
    from smartcity_desktop.services.exchange import abandoned_numbers

    export = start_paused_export(office, out, tmp_path)
    export.wait_paused()
    export.kill()
    ctx = open_context(office)
    try:
        assert last_export_summary(ctx) is None  # #1 never counted as sent
        assert abandoned_numbers(ctx) == [1]
        generate(ctx, SampleRequest(problems=1, potentials=0, proposals=0, photos=0, seed=9))
        export_bundle(ctx, PASSPHRASE, out)
        summary = last_export_summary(ctx)
        assert summary is not None and summary.sequence == 2
        assert abandoned_numbers(ctx) == []
    finally:
        ctx.close()


def test_an_export_while_this_process_holds_the_lock_is_refused(
    desa_ctx: AppContext, out: Path
) -> None:
    from smartcity_desktop.services.exchange.export_lock import export_lock

    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, photos=0, seed=1))
    with export_lock(desa_ctx.paths), pytest.raises(UserError) as err:
        export_bundle(desa_ctx, PASSPHRASE, out)
    assert err.value.code == "export.busy"
    assert "sedang membuat paket" in str(err.value)
    assert bundle_files(out) == []
    assert exports(desa_ctx) == []
    assert export_bundle(desa_ctx, PASSPHRASE, out).sequence == 1  # the lock was given back


class CancelAtOnce(NoProgress):
    def cancelled(self) -> bool:
        return True


def test_a_cancelled_export_gives_its_number_back(desa_ctx: AppContext, out: Path) -> None:
    generate(desa_ctx, SampleRequest(problems=3, potentials=0, proposals=0, photos=1, seed=2))
    with pytest.raises(UserError) as err:
        export_bundle(desa_ctx, PASSPHRASE, out, progress=CancelAtOnce())
    assert err.value.code == "export.cancelled"
    assert bundle_files(out) == []
    assert exports(desa_ctx) == []  # no file ever carried the number
    assert export_bundle(desa_ctx, PASSPHRASE, out).sequence == 1


def test_a_failure_after_the_files_were_named_burns_the_number_and_removes_them(
    desa_ctx: AppContext, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smartcity_desktop.services.exchange import export_journal

    generate(desa_ctx, SampleRequest(problems=3, potentials=0, proposals=0, photos=1, seed=2))
    unsent = pending_counts(desa_ctx)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_journal, "finish", fail)
    with pytest.raises(UserError) as err:
        export_bundle(desa_ctx, PASSPHRASE, out)
    assert err.value.code == "storage.disk_full"
    monkeypatch.undo()
    assert bundle_files(out) == []  # a bundle not recorded as sent is not left to be sent
    assert exports(desa_ctx) == [(1, "abandoned")]
    assert pending_counts(desa_ctx) == unsent
    assert export_bundle(desa_ctx, PASSPHRASE, out).sequence == 2


def test_the_journal_records_the_files_of_a_completed_export(
    desa_ctx: AppContext, out: Path
) -> None:
    generate(desa_ctx, SampleRequest(problems=3, potentials=0, proposals=0, photos=2, seed=3))
    result = export_bundle(desa_ctx, PASSPHRASE, out, max_part_size=64 * 1024)
    row = last_export(desa_ctx)
    assert row is not None and row.status == "done"
    assert json.loads(row.files) == [p.name for p in result.paths]
    assert row.folder == str(out) and row.size == result.size
    assert row.content_hash == result.content_hash
