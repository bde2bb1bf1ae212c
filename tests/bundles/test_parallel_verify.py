"""Payload hashing on several threads, records parsed while they are hashed, the fast record parser:
same answers, same problem order and same strictness as the sequential, two-pass verifier."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.bundles import reader as reader_module
from smartcity_desktop.bundles import records as records_module
from smartcity_desktop.bundles.progress import Cancelled
from smartcity_desktop.bundles.reader import VerificationResult, verify_bundle
from smartcity_desktop.bundles.records import RecordReader
from smartcity_desktop.bundles.sources import ByteSource
from smartcity_desktop.crypto.canonical_json import StrictJsonError, loads_strict
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.signed_documents import b64encode
from smartcity_desktop.crypto.trust import TrustState
from tests.bundles.helpers import DESA, raw_bundle

PHOTOS = [b"\xff\xd8" + os.urandom(50_000 + i) for i in range(12)]


def _payload(problem_lines: bytes = b"") -> dict[str, bytes]:
    problem_lines = problem_lines or b"".join(
        json.dumps({"id": f"p-{i}", "office_code": DESA, "at": "08:00:00"}).encode() + b"\n"
        for i in range(300)
    )
    attachment_lines = b"".join(
        json.dumps({"id": f"a-{i}", "office_code": DESA, "sha256": _sha(p)}).encode() + b"\n"
        for i, p in enumerate(PHOTOS)
    )
    payload = {
        "data/records/problem.jsonl": problem_lines,
        "data/records/attachment.jsonl": attachment_lines,
    }
    payload.update({f"data/attachments/{_sha(p)}": p for p in PHOTOS})
    return payload


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corrupt(path: Path, photos: list[bytes]) -> None:
    """Flip one byte inside each given (stored) attachment, in place."""
    data = bytearray(path.read_bytes())
    for photo in photos:
        at = data.find(photo)
        assert at >= 0
        data[at + len(photo) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _verify(path: Path, threads: int, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Any:
    monkeypatch.setattr(reader_module, "HASH_THREADS", threads)
    return verify_bundle(path, **kw)


def _summary(result: VerificationResult) -> list[tuple[str, str]]:
    return [(p.code, p.detail) for p in result.problems]


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.mark.parametrize("threads", [1, 2, 4, 8])
def test_valid_bundle_verifies_on_any_thread_count(
    tmp_path: Path, key: SigningKey, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    result = _verify(path, threads, monkeypatch)
    assert result.ok, result.problems
    assert result.attachment_hashes == tuple(sorted(_sha(p) for p in PHOTOS))
    with result.open() as bundle:
        assert len(list(bundle.iter_records("problem"))) == 300
        assert b"".join(bundle.iter_attachment(_sha(PHOTOS[3]))) == PHOTOS[3]


def test_hash_mismatches_reported_in_file_order_whatever_the_threads(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    bad = [PHOTOS[9], PHOTOS[1], PHOTOS[5], PHOTOS[11]]
    _corrupt(path, bad)
    sequential = _summary(_verify(path, 1, monkeypatch))
    assert sorted(sequential) == sorted(
        ("manifest.hash_mismatch", f"data/attachments/{_sha(p)}") for p in bad
    )
    data = path.read_bytes()
    offsets = [data.find(p[:64]) for p in bad]
    in_file_order = [
        f"data/attachments/{_sha(p)}" for _, p in sorted(zip(offsets, bad, strict=True))
    ]
    assert [d for _c, d in sequential] == in_file_order
    for threads in (2, 4, 8):
        for _ in range(3):
            assert _summary(_verify(path, threads, monkeypatch)) == sequential


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b'{"id":"\xff\xfe","office_code":"32.16.01.2001"}', "record.invalid_utf8"),
        (b'{"id":"a","id":"b","office_code":"32.16.01.2001"}', "record.duplicate_key"),
        (b'{"n":NaN}', "record.not_finite"),
        (b'{"s":"\\udc00x"}', "record.lone_surrogate"),
        (b'{"x":' + b"[" * 12 + b"]" * 12 + b"}", "record.too_deep"),
        (b'{"id":"p","office_code":"32.16.01.2002"}', "record.office_not_sender"),
        (b'{"a":1} x', "record.syntax"),
    ],
)
@pytest.mark.parametrize("threads", [1, 2])
def test_records_problem_after_good_lines_is_the_same_on_any_thread_count(
    tmp_path: Path,
    key: SigningKey,
    monkeypatch: pytest.MonkeyPatch,
    line: bytes,
    code: str,
    threads: int,
) -> None:
    good = b'{"id":"p","office_code":"32.16.01.2001"}\n' * 40
    path = raw_bundle(tmp_path / "b.scb", key, _payload(good + line + b"\n" + good))
    result = _verify(path, threads, monkeypatch)
    assert _summary(result) == [(code, result.problems[0].detail)]
    assert result.problems[0].detail.startswith("problem #41")


def _spy_on_records(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    fed: list[str] = []
    original = RecordReader.feed

    def spy(self: RecordReader, chunk: bytes) -> Any:
        fed.append(self.kind)
        return original(self, chunk)

    monkeypatch.setattr(RecordReader, "feed", spy)
    return fed


def test_records_signed_by_another_key_are_never_parsed(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = SigningKey.generate().public
    sender = {
        "office_code": DESA,
        "role": "desa",
        "key_id": other.key_id,
        "public_key": b64encode(other.raw),
        "certificate": None,
    }
    path = raw_bundle(tmp_path / "b.scb", key, _payload(), header={"sender": sender})
    fed = _spy_on_records(monkeypatch)
    assert _verify(path, 2, monkeypatch).codes == ["signature.key_mismatch"]
    assert fed == []


def test_records_of_an_untrusted_sender_are_never_parsed(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    fed = _spy_on_records(monkeypatch)
    assert _verify(path, 2, monkeypatch, trust=TrustState()).codes == ["trust.unknown_office"]
    assert fed == []
    assert _verify(path, 2, monkeypatch).ok
    assert sorted(set(fed)) == ["attachment", "problem"]


def test_cancel_stops_every_thread(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    before = threading.active_count()

    class CancelSoon:
        calls = 0

        def report(self, done: int, total: int, message: str) -> None:
            return None

        def cancelled(self) -> bool:
            self.calls += 1
            return self.calls > 1

    with pytest.raises(Cancelled):
        _verify(path, 4, monkeypatch, progress=CancelSoon())
    assert threading.active_count() == before


def test_read_error_in_a_hashing_thread_is_unreadable(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())

    def broken(self: ByteSource, offset: int, buffer: memoryview) -> int:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(ByteSource, "read_into", broken)
    before = threading.active_count()
    result = _verify(path, 4, monkeypatch)
    assert result.codes == ["io.unreadable"]
    assert threading.active_count() == before


def test_progress_reaches_the_total(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = raw_bundle(tmp_path / "b.scb", key, _payload())
    reports: list[tuple[int, int]] = []

    class Record:
        def report(self, done: int, total: int, message: str) -> None:
            assert threading.current_thread() is threading.main_thread()
            reports.append((done, total))

        def cancelled(self) -> bool:
            return False

    assert _verify(path, 2, monkeypatch, progress=Record()).ok
    assert reports
    assert all(done <= total for done, total in reports)


LINES = [
    b'{"a":1}',
    b'{"a":1}\r',
    b'{"a":1} \t ',
    b' {"a":1}',
    b'{"b":2,"a":1}',
    b'{"a":{"b":{"c":[1,2,{"d":null}]}}}',
    b'{"a":"\\u00e9 caf\xc3\xa9 \\ud83d\\ude00"}',
    b'{"a":"\\ud83d"}',
    b'{"a":"\\ude00"}',
    b'{"a":"x","a":"x"}',
    b'{"a":{"b":1,"b":2}}',
    b'{"a":Infinity}',
    b'{"a":-Infinity}',
    b'{"a":NaN}',
    b'{"a":1e999}',
    b'{"a":"\xed\xa0\x80"}',
    b'{"a":"\xc3"}',
    b"\xef\xbb\xbf{}",
    b"{}",
    b"{",
    b"{}{}",
    b'{"a":1,}',
    b"[]",
    b'"text"',
    b"12",
    b"",
    b"   ",
    b"{" + b'"a":[' * 9 + b"]" * 9 + b"}",
    b"{" + b'"a":[' * 10 + b"]" * 10 + b"}",
    b"{" + b'"a":{' * 9 + b"}" * 10,
    b"{" + b'"a":{' * 10 + b"}" * 11,
    b'{"a":"[[[[[[[[[[[[[[["}',
    b'{"a":"\\u0000\\"\\\\"}',
]


@pytest.mark.parametrize("line", LINES)
def test_fast_record_parser_agrees_with_loads_strict(line: bytes) -> None:
    try:
        expected: Any = loads_strict(line, max_depth=10)
        expected_code = None if isinstance(expected, dict) else "record.not_object"
    except StrictJsonError as exc:
        expected_code = records_module._REASON_CODES[exc.reason]
    reader = RecordReader("problem", max_line=1 << 20, max_depth=10)
    try:
        got = list(reader.feed(line + b"\n"))
        reader.close()
    except ProblemError as exc:
        assert exc.code == expected_code
        assert exc.problem.detail == "problem #1"
    else:
        assert expected_code is None
        assert got == [expected]


def test_reader_splits_lines_across_chunks_and_counts_them() -> None:
    lines = [json.dumps({"n": i, "t": "x" * (i % 7)}).encode() for i in range(500)]
    data = b"\n".join(lines) + b"\n"
    for size in (1, 7, 64, 4096):
        reader = RecordReader("k", max_line=1 << 10, max_depth=10)
        got = [r for at in range(0, len(data), size) for r in reader.feed(data[at : at + size])]
        reader.close()
        assert [r["n"] for r in got] == list(range(500))


def test_reader_limits_line_length_and_needs_the_last_newline() -> None:
    reader = RecordReader("k", max_line=10, max_depth=10)
    with pytest.raises(ProblemError) as too_long:
        list(reader.feed(b'{"a":1}\n{"a":"0123456789"}\n'))
    assert (too_long.value.code, too_long.value.problem.detail) == ("record.too_long", "k #2")
    reader = RecordReader("k", max_line=10, max_depth=10)
    with pytest.raises(ProblemError) as pending:
        list(reader.feed(b'{"a":1}\n{"a":"01234567'))
    assert (pending.value.code, pending.value.problem.detail) == ("record.too_long", "k #2")
    reader = RecordReader("k", max_line=10, max_depth=10)
    assert list(reader.feed(b'{"a":1}\n{"a":2}')) == [{"a": 1}]
    with pytest.raises(ProblemError) as unterminated:
        reader.close()
    assert (unterminated.value.code, unterminated.value.problem.detail) == ("record.syntax", "k #2")
