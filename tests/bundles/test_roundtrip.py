from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import bagit
import pytest

from smartcity_desktop.bundles.parts import assemble_parts
from smartcity_desktop.bundles.progress import Cancelled
from smartcity_desktop.bundles.reader import verify_bundle
from smartcity_desktop.bundles.sizes import parse_size
from smartcity_desktop.bundles.writer import BundleWriteError, Sender, write_bundle
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.problems import ProblemError
from tests.bundles.helpers import (
    DESA,
    KECAMATAN,
    honest_bundle,
    problem_rows,
    read_entries,
    verify_refused,
    write_entries,
)


def test_round_trip_records_and_attachment(tmp_path: Path) -> None:
    photo = os.urandom(10_000)
    path = honest_bundle(tmp_path, photo=photo)
    result = verify_bundle(path)
    assert result.ok, result.problems
    assert result.header is not None and result.header.sender_office == DESA
    assert result.header.record_counts == {"attachment": 1, "problem": 3}
    digest = hashlib.sha256(photo).hexdigest()
    with result.open() as bundle:
        assert list(bundle.iter_records("problem")) == problem_rows()
        assert bundle.open_attachment(digest).read() == photo
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.scb"]


def test_records_deflated_attachments_stored(tmp_path: Path) -> None:
    path = honest_bundle(tmp_path)
    methods = {info.filename.split("/", 1)[1]: info.compress_type for info, _ in read_entries(path)}
    assert methods["data/records/problem.jsonl"] == zipfile.ZIP_DEFLATED
    assert [m for n, m in methods.items() if n.startswith("data/attachments/")] == [
        zipfile.ZIP_STORED
    ]


def test_bagit_package_validates_unpacked_bundle(tmp_path: Path) -> None:
    path = honest_bundle(tmp_path)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unpacked)  # trusted: our own freshly written file
    (bag_folder,) = unpacked.iterdir()
    bag = bagit.Bag(str(bag_folder))
    bag.validate()
    assert bag.info["Source-Organization"].startswith(DESA)


def test_content_hash_survives_rezipping(tmp_path: Path) -> None:
    path = honest_bundle(tmp_path)
    first = verify_bundle(path)
    entries = list(reversed(read_entries(path)))
    copy = write_entries(tmp_path / "copy.scb", entries)
    second = verify_bundle(copy)
    assert second.ok and second.content_hash == first.content_hash
    assert copy.read_bytes() != path.read_bytes()


def test_parts_in_any_order_and_missing_part_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    honest_bundle(out, photo=os.urandom(350_000), split_size=parse_size("100K"))
    parts = sorted(out.iterdir())
    assert parts[0].name == "bundle.part01-of-04.scb"
    assert all(p.stat().st_size <= 100 * 1024 for p in parts)
    verify_refused(parts[0], "archive.is_part")
    stage = tmp_path / "stage"
    stage.mkdir()
    joined = assemble_parts([parts[2], parts[0], parts[3], parts[1]], stage)
    assert verify_bundle(joined).ok
    with pytest.raises(ProblemError) as missing:
        assemble_parts([parts[0], parts[1], parts[3]], stage)
    assert missing.value.code == "parts.missing"
    assert "bundle.part03-of-04.scb" in missing.value.problem.message


def test_parts_from_two_bundles_refused(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        honest_bundle(tmp_path / name, photo=os.urandom(150_000), split_size=100_000)
    mixed = [tmp_path / "a" / "bundle.part01-of-02.scb", tmp_path / "b" / "bundle.part02-of-02.scb"]
    with pytest.raises(ProblemError) as error:
        assemble_parts(mixed, tmp_path)
    assert error.value.code == "parts.mixed"


def test_corrupt_part_named(tmp_path: Path) -> None:
    honest_bundle(tmp_path, photo=os.urandom(150_000), split_size=100_000)
    second = tmp_path / "bundle.part02-of-02.scb"
    data = bytearray(second.read_bytes())
    data[-10] ^= 1
    second.write_bytes(bytes(data))
    with pytest.raises(ProblemError) as error:
        assemble_parts(sorted(tmp_path.glob("*.part*")), tmp_path)
    assert error.value.code == "parts.corrupt" and "part02" in error.value.problem.detail
    assert not (tmp_path / "bundle.scb").exists()


def test_parse_size() -> None:
    assert parse_size("10M") == 10 << 20
    assert parse_size("500K") == 500 << 10
    assert parse_size("1.5G") == 3 << 29
    with pytest.raises(ValueError):
        parse_size("ten megabytes")


class _CancelAfter:
    def __init__(self, reports: int) -> None:
        self.left = reports
        self.seen: list[tuple[int, int]] = []

    def report(self, done: int, total: int, message: str) -> None:
        self.seen.append((done, total))
        self.left -= 1

    def cancelled(self) -> bool:
        return self.left <= 0


def test_cancelled_write_leaves_nothing(tmp_path: Path) -> None:
    key = SigningKey.generate()
    with pytest.raises(Cancelled):
        write_bundle(
            tmp_path / "b.scb",
            sender=Sender(DESA, "desa", key),
            sequence=1,
            records={"problem": problem_rows(count=5000)},
            app_version="0.1.0",
            schema_version=1,
            progress=_CancelAfter(3),
        )
    assert list(tmp_path.iterdir()) == []


def test_progress_reports_known_total(tmp_path: Path) -> None:
    progress = _CancelAfter(10**9)
    write_bundle(
        tmp_path / "b.scb",
        sender=Sender(DESA, "desa", SigningKey.generate()),
        sequence=1,
        records={"problem": problem_rows(count=1200)},
        app_version="0.1",
        schema_version=1,
        progress=progress,
    )
    assert progress.seen[-2] == (1200, 1200)


def test_crash_during_write_leaves_no_complete_looking_file(tmp_path: Path) -> None:
    def rows() -> object:
        yield from problem_rows(count=10)
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        write_bundle(
            tmp_path / "b.scb",
            sender=Sender(DESA, "desa", SigningKey.generate()),
            sequence=1,
            records={"problem": rows()},  # type: ignore[dict-item]
            app_version="0.1",
            schema_version=1,
        )
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_rows_of_another_office(tmp_path: Path) -> None:
    with pytest.raises(BundleWriteError):
        write_bundle(
            tmp_path / "b.scb",
            sender=Sender(KECAMATAN, "kecamatan", SigningKey.generate()),
            sequence=1,
            records={"problem": problem_rows(DESA)},
            app_version="0.1",
            schema_version=1,
        )
    assert list(tmp_path.iterdir()) == []


def test_kecamatan_forwards_village_bundle_unchanged(tmp_path: Path) -> None:
    village = honest_bundle(tmp_path, name="desa.scb")
    original = village.read_bytes()
    kec_key = SigningKey.generate()
    write_bundle(
        tmp_path / "kec.scb",
        sender=Sender(KECAMATAN, "kecamatan", kec_key),
        sequence=7,
        records={"review": [{"office_code": KECAMATAN, "of": "p-1"}]},
        app_version="0.1",
        schema_version=1,
        forwarded=[village],
    )
    result = verify_bundle(tmp_path / "kec.scb")
    assert result.ok and result.all_ok, result.problems
    (nested,) = result.forwarded
    assert nested.header is not None and nested.header.sender_office == DESA
    assert nested.content_hash == verify_bundle(village).content_hash
    with nested.open() as inner:
        assert list(inner.iter_records("problem")) == problem_rows()
    assert result.header is not None
    assert result.header.forwarded == (hashlib.sha256(original).hexdigest(),)


def test_forwarding_a_foreign_village_refused(tmp_path: Path) -> None:
    village = honest_bundle(tmp_path, office="32.16.02.2001", name="other.scb")
    write_bundle(
        tmp_path / "kec.scb",
        sender=Sender(KECAMATAN, "kecamatan", SigningKey.generate()),
        sequence=1,
        records={},
        app_version="0.1",
        schema_version=1,
        forwarded=[village],
    )
    verify_refused(tmp_path / "kec.scb", "forwarded.not_allowed")


def test_file_changed_after_verification_detected(tmp_path: Path) -> None:
    photo = os.urandom(50_000)
    path = honest_bundle(tmp_path, photo=photo)
    result = verify_bundle(path)
    data = bytearray(path.read_bytes())
    data[data.find(photo[:64]) + 100] ^= 0xFF
    path.write_bytes(bytes(data))
    with result.open() as bundle, pytest.raises(ProblemError) as error:
        bundle.open_attachment(hashlib.sha256(photo).hexdigest()).read()
    assert error.value.code == "archive.changed"
