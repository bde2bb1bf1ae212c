"""Cleanup of leftovers: the app's own temporary files and orphaned blobs, older than the running
operation, never a file another process is still writing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from smartcity_desktop.cli.main import main
from smartcity_desktop.services.cleanup import BLOB_STALE_AFTER, STALE_AFTER, clean_leftovers
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.storage.leftovers import OpenFiles
from smartcity_desktop.storage.paths import DataPaths

pytestmark = pytest.mark.postgres_ready

DAY = 24 * 3600.0
ORPHAN = "ab" + "0" * 62


def write(path: Path, data: bytes = b"x", *, age: float = DAY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def leftovers(paths: DataPaths, *, age: float = DAY) -> list[Path]:
    """One of each kind the app's writers leave after a crash or a full disk."""
    root = paths.root
    staged = write(root / "staging" / "parts-k3j2" / "paket.scb", age=age)
    os.utime(staged.parent, (time.time() - age,) * 2)
    return [
        write(root / "exports" / ".paket-0007.scb.1a2b3c4d.partial", age=age),
        write(root / "exports" / "kiriman" / ".paket-0007.part02.scbp.9f8e7d6c.partial", age=age),
        write(root / "exports" / ".rekap-desa-abcd1234.part", age=age),
        write(root / "backups" / "smartcity-20260101-010101-000001-manual.partial", age=age),
        write(
            root / "backups" / "smartcity-20260101-010101-000001-manual.partial-journal", age=age
        ),
        write(root / "receipts" / "2026" / ".tanda-terima-x1y2.part", age=age),
        write(root / "trust.json.partial", age=age),
        write(root / "cache" / ".kelengkapan.json.5e6f7a8b.partial", age=age),
        write(root / "cache" / "analysis" / ".proposals.pickle.0a1b2c3d.partial", age=age),
        write(root / "attachments" / ".incoming-q1w2e3", age=age),
        write(root / "attachments" / "ab" / ".incoming-r4t5y6", age=age),
        staged.parent,
    ]


def keepers(paths: DataPaths) -> list[Path]:
    """Old files that are the user's or final: never touched."""
    root = paths.root
    return [
        write(root / "exports" / "paket-0007.scb"),
        write(root / "exports" / "catatan.partial.txt"),
        write(root / "backups" / "smartcity-20260101-010101-000001-manual.sqlite"),
        write(root / "logs" / "old.partial"),
        write(root / "receipts" / "2026" / "tanda-terima.pdf"),
        write(root / "attachments" / "ab" / "not-a-blob.partial-ish"),
        write(root / "cache" / "analysis" / "proposals.pickle"),
        write(root / "cache" / "kelengkapan.json"),
    ]


def test_old_leftovers_of_every_kind_are_removed_and_nothing_else(desa_paths: DataPaths) -> None:
    old = leftovers(desa_paths)
    kept = keepers(desa_paths)
    result = clean_leftovers(desa_paths)
    assert sorted(result.removed) == sorted(old)
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in kept)


def test_leftovers_younger_than_the_operation_stay(desa_paths: DataPaths) -> None:
    """A file modified within STALE_AFTER before the operation began may belong to a writer
    that is between its last write and its rename."""
    young = leftovers(desa_paths, age=STALE_AFTER / 2)
    assert clean_leftovers(desa_paths).removed == []
    assert all(p.exists() for p in young)
    # Seen from an operation that starts later, the same files are old enough.
    later = time.time() + STALE_AFTER
    assert sorted(clean_leftovers(desa_paths, started=later).removed) == sorted(young)


HOLDER = """
import os, sys, time
path = sys.argv[1]
handle = open(path, "ab")  # a writer that stalled: the file is open, its time is old
handle.write(b"half a bundle")
handle.flush()
then = time.time() - 86400
os.utime(path, (then, then))
print("ready", flush=True)
sys.stdin.read()  # holds the file until told to stop
handle.close()
"""


@pytest.mark.skipif(not OpenFiles.supported(), reason="open files are read from /proc")
def test_a_file_open_in_another_process_is_never_removed(desa_paths: DataPaths) -> None:
    in_flight = desa_paths.exports / ".paket-0008.scb.5e6f7a8b.partial"
    in_flight.parent.mkdir(parents=True, exist_ok=True)
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(in_flight)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        assert in_flight.stat().st_mtime < time.time() - DAY / 2
        result = clean_leftovers(desa_paths)
        assert in_flight.exists()
        assert result.in_use == [in_flight] and result.removed == []
    finally:
        writer.communicate("", timeout=30)
    assert writer.returncode == 0
    # The writer is gone without finishing (as after a kill): now it is a leftover.
    assert clean_leftovers(desa_paths).removed == [in_flight]


def test_a_staging_folder_with_an_open_file_stays(desa_paths: DataPaths) -> None:
    if not OpenFiles.supported():
        pytest.skip("open files are read from /proc")
    joined = write(desa_paths.staging / "parts-abc" / "paket.scb")
    os.utime(joined.parent, (time.time() - DAY,) * 2)
    with joined.open("rb"):  # this process counts too: a task on another thread
        assert clean_leftovers(desa_paths).removed == []
    assert clean_leftovers(desa_paths).removed == [joined.parent]


@pytest.fixture
def desa_with_photos(desa_ctx: AppContext) -> AppContext:
    generate(desa_ctx, SampleRequest(problems=2, potentials=0, proposals=0, photos=2, seed=1))
    return desa_ctx


def blobs(paths: DataPaths) -> list[Path]:
    return sorted(p for p in paths.attachments.glob("??/*") if len(p.name) == 64)


def test_orphaned_blobs_go_referenced_ones_stay(desa_with_photos: AppContext) -> None:
    paths = desa_with_photos.paths
    referenced = blobs(paths)
    assert len(referenced) == 2
    orphan = write(paths.attachments / ORPHAN[:2] / ORPHAN, b"a photo nobody points at")
    young_orphan = write(paths.attachments / "cd" / ("cd" + "1" * 62), age=BLOB_STALE_AFTER / 2)
    for blob in referenced:
        os.utime(blob, (time.time() - DAY,) * 2)
    result = clean_leftovers(paths)
    assert result.removed == [orphan]
    assert all(p.exists() for p in referenced)
    assert young_orphan.exists()


def test_storing_a_blob_that_exists_makes_it_young_again(desa_ctx: AppContext) -> None:
    """An import in another process that finds an orphan already stored will point a row at it:
    the orphan must not be removed meanwhile."""
    data = b"the same photo"
    sha, new = desa_ctx.blobs.put_bytes(data)
    assert new
    path = desa_ctx.blobs.path_for(sha)
    os.utime(path, (time.time() - DAY,) * 2)
    assert desa_ctx.blobs.put_bytes(data) == (sha, False)
    assert path.stat().st_mtime > time.time() - 60
    os.utime(path, (time.time() - DAY,) * 2)
    assert desa_ctx.blobs.claim(sha)
    assert clean_leftovers(desa_ctx.paths).removed == []
    assert not desa_ctx.blobs.claim("ef" + "2" * 62)


def test_a_damaged_database_leaves_the_blobs_alone(desa_paths: DataPaths) -> None:
    from smartcity_desktop.services.cleanup import clean_quietly

    orphan = write(desa_paths.attachments / ORPHAN[:2] / ORPHAN)
    partial = write(desa_paths.exports / ".p.scb.1234.partial")
    with desa_paths.database.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\xff" * 4000)
    assert clean_quietly(desa_paths) is None  # refused reading references: nothing said to the user
    assert orphan.exists()
    assert not partial.exists()  # temporary files need no database


def test_every_cli_command_that_opens_the_office_cleans_at_start(
    desa_paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    old = leftovers(desa_paths)
    kept = keepers(desa_paths)
    assert main(["--data-dir", str(desa_paths.root), "stats", "--json"]) == 0
    capsys.readouterr()
    assert not any(p.exists() for p in old)
    assert all(p.exists() for p in kept)


def test_orphaned_blobs_go_on_either_backend(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path, backend: str
) -> None:
    """On PostgreSQL the photos are rows of the database: an orphaned row goes as an orphaned
    file does on SQLite, and a photo an attachment row names stays, as does its cached file."""
    from smartcity_desktop.services.exchange import import_files
    from tests.services.test_exchange import export, one, pin

    generate(desa_ctx, SampleRequest(problems=1, potentials=0, proposals=0, photos=1, seed=4))
    pin(kecamatan_ctx, desa_ctx)
    assert one(import_files(kecamatan_ctx, [export(desa_ctx, tmp_path, "1.scb")])).ok
    blobs_ = kecamatan_ctx.blobs
    with kecamatan_ctx.db.session() as s:
        [kept] = s.scalars(text("SELECT sha256 FROM attachment")).all()
    orphan, new = blobs_.put_bytes(b"a photo an interrupted import stored")
    assert new and blobs_.exists(orphan)
    paths, engine = kecamatan_ctx.paths, kecamatan_ctx.db.engine

    result = clean_leftovers(paths, engine=engine)  # both are young: nothing goes
    assert result.removed == [] and result.database_blobs == 0
    assert blobs_.exists(orphan)

    later = time.time() + BLOB_STALE_AFTER + 60  # an operation that starts long after both
    result = clean_leftovers(paths, started=later, engine=engine)
    assert not blobs_.exists(orphan) and blobs_.exists(kept)
    assert result.database_blobs == (1 if backend == "postgresql" else 0)
    cached = [p.name for p in paths.attachments.glob("??/*")]
    assert orphan not in cached and kept in cached
    assert blobs_.path_for(kept).read_bytes()  # the photo is still there to show


def test_a_folder_whose_database_is_on_a_server_keeps_its_cache_without_the_server(
    desa_with_photos: AppContext,
) -> None:
    """Called without the office's database, cleanup does not judge the cache of a server's
    photos by a SQLite file left in the folder (it would find none of them referenced)."""
    import json

    paths = desa_with_photos.paths
    desa_with_photos.close()  # its SQLite file stays in the folder, as after a move to a server
    write(paths.attachments / ORPHAN[:2] / ORPHAN, b"a photo only the server's rows name")
    cached = blobs(paths)
    for blob in cached:
        os.utime(blob, (time.time() - DAY,) * 2)
    (paths.root / "database.json").write_text(
        json.dumps({"url": "postgresql+psycopg://analis@127.0.0.1:5432/kantor"}), encoding="utf-8"
    )
    partial = write(paths.exports / ".p.scb.1234.partial")
    result = clean_leftovers(paths)
    assert result.removed == [partial]
    assert all(p.exists() for p in cached)


def test_a_cli_command_on_a_server_office_removes_its_old_orphaned_rows(
    kecamatan_ctx: AppContext, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if backend != "postgresql":
        pytest.skip("the rows of a server's photo store; SQLite's files: the test above")
    from smartcity_desktop.storage.db_blobs import blob_table

    blobs_ = kecamatan_ctx.blobs
    old, _new = blobs_.put_bytes(b"stored by an import killed yesterday")
    young, _new = blobs_.put_bytes(b"stored by an import still running")
    with kecamatan_ctx.db.engine.begin() as connection:
        connection.execute(
            blob_table.update()
            .where(blob_table.c.sha256 == old)
            .values(stored_at=text("now() AT TIME ZONE 'UTC' - interval '1 day'"))
        )
    assert main(["--data-dir", str(kecamatan_ctx.paths.root), "stats", "--json"]) == 0
    capsys.readouterr()
    assert not blobs_.exists(old) and blobs_.exists(young)
