"""Verify a bundle completely, in memory and in a fixed order, before anything is stored.

Order: archive safety, bag completeness and hashes, signature, header, trust, records, forwarded
bundles. The first stage that finds problems ends verification, so later stages never look at
data an earlier stage refused. Nothing is extracted or written anywhere.

After a successful verification, ``VerificationResult.open()`` gives streaming access to records
and attachments that re-checks every byte against the verified manifest, because the file may
change between verification and import (a USB stick pulled out, a file replaced).
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.manifests import (
    ManifestError,
    format_manifest,
    parse_bag_info,
    parse_manifest,
)
from smartcity_desktop.bundles.parts import PART_MAGIC
from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.records import RecordReader, iter_records
from smartcity_desktop.bundles.safezip import (
    DEFAULT_LIMITS,
    ArchiveIndex,
    Limits,
    Member,
    iter_member,
    iter_stored_views,
    read_member,
    scan_archive,
)
from smartcity_desktop.bundles.sources import ByteSource
from smartcity_desktop.crypto.canonical_json import StrictJsonError, loads_strict
from smartcity_desktop.crypto.keys import PublicKey
from smartcity_desktop.crypto.offices import may_forward, may_speak_for
from smartcity_desktop.crypto.problems import Problem, ProblemError
from smartcity_desktop.crypto.signed_documents import b64decode
from smartcity_desktop.crypto.trust import TrustDecision, TrustState, evaluate_trust


@dataclass
class VerificationResult:
    """What verification found. ``ok`` only when there are no problems at all."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    header: fmt.BundleHeader | None = None
    signer: PublicKey | None = None
    content_hash: str | None = None
    trust: TrustDecision | None = None
    forwarded: list[VerificationResult] = field(default_factory=list)
    attachment_hashes: tuple[str, ...] = ()
    depth: int = 0
    _origin: int = 0
    _size: int = 0
    _manifest: dict[str, str] = field(default_factory=dict, repr=False)
    _limits: Limits = field(default=DEFAULT_LIMITS, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def window(self) -> tuple[int, int]:
        """(offset, size) of this bundle's bytes in ``path``: the whole file, or the member of
        the outer bundle that a forwarded bundle is stored as."""
        return self._origin, self._size

    @property
    def all_ok(self) -> bool:
        """This bundle and every bundle forwarded inside it verified without problems."""
        return self.ok and all(f.all_ok for f in self.forwarded)

    def open(self) -> VerifiedBundle:
        """Reopen the verified file for import; raises ProblemError if it was not verified ok
        or has changed since."""
        if not self.ok or self.content_hash is None:
            raise ProblemError(
                self.problems[0]
                if self.problems
                else make_problem("archive.changed", self.path.name)
            )
        return VerifiedBundle(self)


def verify_bundle(
    path: Path,
    *,
    trust: TrustState | None = None,
    max_schema_version: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> VerificationResult:
    """Verify ``path`` and every bundle forwarded inside it. Never raises for bad input (only
    Cancelled when ``progress`` asks to stop); problems are returned in the result.

    Without ``trust`` the signature is checked but nobody is trusted or refused: ``result.trust``
    stays None and the caller must evaluate trust before importing.
    """
    path = Path(path)
    result = VerificationResult(path, _limits=limits)
    try:
        source = ByteSource.open_file(path)
    except OSError as exc:
        result.problems.append(make_problem("io.unreadable", exc.strerror or type(exc).__name__))
        return result
    try:
        if source.read_at(0, len(PART_MAGIC)) == PART_MAGIC:
            result.problems.append(make_problem("archive.is_part", path.name))
            return result
        _Verifier(source, result, trust, max_schema_version, limits, progress or NoProgress()).run()
    except OSError as exc:
        result.problems.append(make_problem("io.unreadable", exc.strerror or type(exc).__name__))
    finally:
        source.close()
    return result


class _Verifier:
    def __init__(
        self,
        source: ByteSource,
        result: VerificationResult,
        trust: TrustState | None,
        max_schema_version: int | None,
        limits: Limits,
        progress: Progress,
    ) -> None:
        self.source = source
        self.result = result
        self.trust = trust
        self.max_schema = max_schema_version
        self.limits = limits
        self.progress = progress
        result._origin, result._size = source.origin, source.size
        self.index: ArchiveIndex | None = None
        self.tags: dict[str, bytes] = {}
        self.manifest: dict[str, str] = {}
        self.header: fmt.BundleHeader | None = None
        self._record_checks: dict[str, _RecordCheck] = {}

    def problem(self, code: str, detail: object = "") -> None:
        if len(self.result.problems) < self.limits.max_problems:
            self.result.problems.append(make_problem(code, detail))

    def run(self) -> None:
        stages = (
            self.check_archive,
            self.check_layout,
            self.check_bag,
            self.check_signature,
            self.check_header,
            self.check_trust,
            self.check_records,
            self.check_forwarded,
        )
        for stage in stages:
            try:
                stage()
            except ProblemError as exc:
                self.problem(exc.code, exc.problem.detail)
            if self.result.problems:
                return

    def check_archive(self) -> None:
        index, problems = scan_archive(self.source, self.limits)
        self.result.problems.extend(problems)
        self.index = index

    def check_layout(self) -> None:
        assert self.index is not None
        members = self.index.members
        for name in fmt.TAG_FILES:
            if name not in members:
                self.problem(
                    "signature.missing" if name == fmt.SIGNATURE else "bag.missing_tag_file", name
                )
        for name, member in members.items():
            if name in fmt.TAG_FILES:
                continue
            if fmt.FORWARDED_PATH.fullmatch(name):
                if member.method != 0:
                    self.problem("forwarded.compressed", name)
            elif not (fmt.RECORD_PATH.fullmatch(name) or fmt.ATTACHMENT_PATH.fullmatch(name)):
                self.problem("archive.unexpected_member", name)
        self._check_directories()

    def _check_directories(self) -> None:
        """Directory entries are optional, but only for folders of the bag layout: an empty
        ``data/extra/`` would otherwise appear in an unpacked bag that the document says holds
        nothing else."""
        assert self.index is not None
        for name in self.index.directories:
            if name not in fmt.LAYOUT_DIRECTORIES:
                self.problem("archive.unexpected_member", f"{name}/")

    def check_bag(self) -> None:
        assert self.index is not None
        members = self.index.members
        for name in fmt.TAG_FILES:
            self.tags[name] = read_member(self.source, members[name], self.limits.max_tag_file)
        # Byte for byte: the declaration is a constant, so no line-ending variant needs a rule.
        if self.tags[fmt.BAGIT_TXT] != fmt.BAGIT_DECLARATION:
            self.problem("bag.bad_declaration", fmt.BAGIT_TXT)
        tagmanifest = self._manifest(fmt.TAGMANIFEST)
        for name in fmt.SIGNED_TAG_FILES:
            if name not in tagmanifest:
                self.problem("manifest.tag_not_covered", name)
        for name, digest in tagmanifest.items():
            if name not in fmt.SIGNED_TAG_FILES:
                self.problem("manifest.malformed", f"{fmt.TAGMANIFEST}: {name}")
            elif hashlib.sha256(self.tags[name]).hexdigest() != digest:
                self.problem("manifest.hash_mismatch", name)
        self.manifest = self._manifest(fmt.MANIFEST)
        if self.result.problems:
            return
        payload = {n for n in members if n.startswith("data/")}
        for name in sorted(payload - self.manifest.keys()):
            self.problem("manifest.unlisted_file", name)
        for name in sorted(self.manifest.keys() - payload):
            if name.startswith("data/"):
                self.problem("manifest.missing_file", name)
            else:
                self.problem("manifest.path_escape", name)
        self._check_oxum(payload)
        # After the content checks, which say more about a damaged bag than its order does.
        self._check_manifest_form(fmt.TAGMANIFEST, tagmanifest)
        self._check_manifest_form(fmt.MANIFEST, self.manifest)
        self._check_content_names()
        if self.result.problems:
            return
        self._hash_payload()
        self.result.content_hash = hashlib.sha256(self.tags[fmt.TAGMANIFEST]).hexdigest()
        self.result._manifest = self.manifest

    def _manifest(self, name: str) -> dict[str, str]:
        try:
            entries = parse_manifest(self.tags[name])
        except ManifestError as exc:
            self.problem(
                "manifest.path_escape" if exc.escape else "manifest.malformed", f"{name}: {exc}"
            )
            return {}
        return entries

    def _check_manifest_form(self, name: str, entries: dict[str, str]) -> None:
        """One form only (sorted by path, lowercase hex, two spaces, LF), so that two writers
        of the same content sign the same bytes and get the same content hash."""
        if format_manifest(entries) != self.tags[name]:
            self.problem("manifest.malformed", f"{name}: not sorted by path or not in the one form")

    def _check_content_names(self) -> None:
        """Attachments and forwarded bundles are named by the SHA-256 of their bytes; the
        manifest's hash (checked against the bytes next) must be that name."""
        for name, digest in self.manifest.items():
            match = fmt.ATTACHMENT_PATH.fullmatch(name) or fmt.FORWARDED_PATH.fullmatch(name)
            if match is not None and match.group(1) != digest:
                self.problem("manifest.hash_mismatch", name)

    def _check_oxum(self, payload: set[str]) -> None:
        assert self.index is not None
        try:
            info = parse_bag_info(self.tags[fmt.BAG_INFO_TXT])
        except ManifestError as exc:
            self.problem("bag.bad_info", str(exc))
            return
        declared = info.get("Payload-Oxum", "")
        actual = sum(self.index.members[n].size for n in payload)
        if declared != f"{actual}.{len(payload)}":
            self.problem("manifest.size_mismatch", f"Payload-Oxum {declared or '-'}")

    def _hash_payload(self) -> None:
        assert self.index is not None
        # Jobs in file order: the threads take them in that order, so the disk is read (nearly)
        # sequentially whatever the manifest order, and problems are reported in that order.
        members = sorted(
            (self.index.members[n] for n in self.manifest), key=lambda m: m.data_offset
        )
        header = self._records_gate()
        checks: dict[str, _RecordCheck] = {}
        jobs: list[_HashJob] = []
        for member in members:
            kind_match = fmt.RECORD_PATH.fullmatch(member.name)
            check = None
            if header is not None and kind_match:
                check = _RecordCheck(kind_match.group(1), header, self.limits)
                checks[check.kind] = check
            jobs.append(_HashJob(member, check))
        _PayloadHasher(self.source, jobs, self.progress).run()
        for job in jobs:
            if job.error is not None:
                raise job.error
            if job.problem is not None:
                self.problem(job.problem.code, job.problem.detail)
            elif job.hexdigest != self.manifest[job.member.name]:
                self.problem("manifest.hash_mismatch", job.member.name)
        self._record_checks = checks

    def _records_gate(self) -> fmt.BundleHeader | None:
        """The header, if the signature (and trust, when given) stages are going to pass.

        Only then are records parsed while they are hashed: records of a bundle nobody signed, or
        of a refused sender, are never parsed, as when the stages ran strictly one after another.
        Pure: problems are found and reported again by the stages themselves, in order.
        """
        try:
            header = self._parse_header()
            signer = self._signature_key(header)
        except ProblemError:
            return None
        if self.trust is not None and evaluate_trust(header, signer, self.trust).reasons:
            return None
        return header

    def check_signature(self) -> None:
        self.header = self._parse_header()
        self.result.header = self.header
        self.result.signer = self._signature_key(self.header)

    def _parse_header(self) -> fmt.BundleHeader:
        try:
            return fmt.BundleHeader.from_dict(loads_strict(self.tags[fmt.HEADER]))
        except fmt.UnsupportedFormat as exc:
            raise ProblemError(make_problem("header.unsupported_format", str(exc))) from None
        except (StrictJsonError, ValueError) as exc:
            raise ProblemError(make_problem("header.malformed", str(exc)[:200])) from None

    def _signature_key(self, header: fmt.BundleHeader) -> PublicKey:
        """The sender's key if ``signature.json`` is a valid signature by it; else ProblemError."""
        try:
            sig = loads_strict(self.tags[fmt.SIGNATURE])
            if (
                not isinstance(sig, dict)
                or set(sig) != {"format", "format_version", "algorithm", "key_id", "signature"}
                or sig["format"] != fmt.SIGNATURE_FORMAT
                or sig["algorithm"] != "ed25519"
            ):
                raise ValueError("unexpected fields")
            if sig["format_version"] != fmt.FORMAT_VERSION:
                raise ValueError("format version")
            signature = b64decode(sig["signature"])
            if len(signature) != 64:
                raise ValueError("length")
        except (StrictJsonError, ValueError) as exc:
            raise ProblemError(make_problem("signature.malformed", str(exc)[:200])) from None
        if sig["key_id"] != header.sender_key_id:
            raise ProblemError(make_problem("signature.key_mismatch", str(sig["key_id"])[:40]))
        key = header.sender_public_key
        if not key.verify(signature, fmt.signed_message(self.tags[fmt.TAGMANIFEST])):
            raise ProblemError(make_problem("signature.invalid"))
        return key

    def check_header(self) -> None:
        header = self.header
        assert header is not None and self.index is not None
        if not header.office_is_consistent():
            self.problem("header.office_invalid", f"{header.sender_office} {header.sender_role}")
        if self.max_schema is not None and header.schema_version > self.max_schema:
            self.problem("header.schema_too_new", header.schema_version)
        names = self.index.members
        kinds = {m.group(1) for n in names if (m := fmt.RECORD_PATH.fullmatch(n))}
        if kinds != set(header.record_counts):
            self.problem(
                "header.count_mismatch", ", ".join(sorted(kinds ^ set(header.record_counts)))
            )
        attachments = tuple(
            sorted(m.group(1) for n in names if (m := fmt.ATTACHMENT_PATH.fullmatch(n)))
        )
        if len(attachments) != header.attachment_count:
            self.problem(
                "header.count_mismatch",
                f"attachments {len(attachments)} != {header.attachment_count}",
            )
        self.result.attachment_hashes = attachments
        forwarded = {m.group(1) for n in names if (m := fmt.FORWARDED_PATH.fullmatch(n))}
        if forwarded != set(header.forwarded):
            self.problem("header.forwarded_mismatch", len(forwarded ^ set(header.forwarded)))

    def check_trust(self) -> None:
        if self.trust is None:
            return
        assert self.header is not None and self.result.signer is not None
        decision = evaluate_trust(self.header, self.result.signer, self.trust)
        self.result.trust = decision
        self.result.problems.extend(decision.reasons)

    def check_records(self) -> None:
        header = self.header
        assert header is not None and self.index is not None
        referenced: set[str] = set()
        for kind, expected in sorted(header.record_counts.items()):
            check = self._record_checks.get(kind)
            if check is None or check.sender != (header.sender_office, header.sender_role):
                # Not parsed while hashing (cannot happen once the earlier stages passed; kept
                # so this stage never depends on that): parse the member now.
                check = _RecordCheck(kind, header, self.limits)
                member = self.index.members[fmt.record_path(kind)]
                for chunk in iter_member(self.source, member):
                    check.feed(chunk)
                check.close()
            if check.stop is not None:
                # The first bad line, or the first record of another office, ends the stage.
                self.problem(check.stop.code, check.stop.detail)
                return
            referenced |= check.referenced
            if check.count != expected:
                self.problem("header.count_mismatch", f"{kind} {check.count} != {expected}")
        present = set(self.result.attachment_hashes)
        for digest in sorted(referenced - present)[:10]:
            self.problem("record.attachment_missing", digest[:64])
        for digest in sorted(present - referenced)[:10]:
            self.problem("record.attachment_unreferenced", digest)

    def check_forwarded(self) -> None:
        header = self.header
        assert header is not None and self.index is not None
        for digest in sorted(header.forwarded):
            member = self.index.members[fmt.forwarded_path(digest)]
            if self.result.depth + 1 > self.limits.max_forward_depth:
                self.problem("forwarded.too_deep", self.result.depth + 1)
                return
            nested = VerificationResult(
                self.result.path, depth=self.result.depth + 1, _limits=self.limits
            )
            _Verifier(
                self.source.window(member.data_offset, member.size),
                nested,
                self.trust,
                self.max_schema,
                self.limits,
                self.progress,
            ).run()
            self.result.forwarded.append(nested)
            inner = nested.header
            if inner is not None and not may_forward(
                header.sender_office, header.sender_role, inner.sender_office, inner.sender_role
            ):
                self.problem("forwarded.not_allowed", inner.sender_office)


# Threads hashing the payload (the calling thread included): SHA-256 and positional reads release
# the GIL, so on a multi-core machine attachments are hashed in parallel with each other and with
# the parsing of records. Tests set this to 1 to compare with a purely sequential run.
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))
_HASH_CHUNK = 4 << 20
_WAIT_SECONDS = 0.05


class _RecordCheck:
    """The records stage for one kind, fed the member's bytes while they are being hashed.

    Keeps only what the stage reports: the count, the first problem that ends the stage (a bad
    line or a record of another office) and, for attachment records, the referenced hashes.
    """

    def __init__(self, kind: str, header: fmt.BundleHeader, limits: Limits) -> None:
        self.kind = kind
        self.sender = (header.sender_office, header.sender_role)
        self.count = 0
        self.stop: Problem | None = None
        self.referenced: set[str] = set()
        self._reader = RecordReader(
            kind, max_line=limits.max_record_line, max_depth=limits.max_json_depth
        )

    def feed(self, chunk: bytes) -> None:
        if self.stop is not None:
            return
        office, role = self.sender
        kind = self.kind
        referenced = self.referenced if kind == fmt.ATTACHMENT_KIND else None
        try:
            for record in self._reader.feed(chunk):
                self.count += 1
                owner = record.get(fmt.RECORD_OFFICE_FIELD, office)
                # may_speak_for also refuses non-text owners; equality is the common fast case.
                if owner != office and not may_speak_for(office, role, owner):
                    self.stop = make_problem(
                        "record.office_not_sender", f"{kind} #{self.count}: {owner!s:.40}"
                    )
                    return
                # A deleted attachment travels as a tombstone without its file: a photo removed
                # for privacy must not be sent again.
                if referenced is not None and record.get("deleted") is not True:
                    referenced.add(str(record.get(fmt.ATTACHMENT_HASH_FIELD)))
        except ProblemError as exc:
            self.stop = exc.problem

    def close(self) -> None:
        if self.stop is None:
            try:
                self._reader.close()
            except ProblemError as exc:
                self.stop = exc.problem


@dataclass(eq=False)
class _HashJob:
    member: Member
    check: _RecordCheck | None = None
    hexdigest: str = ""
    problem: Problem | None = None
    error: BaseException | None = None
    finished: bool = False


class _PayloadHasher:
    """Hash every job's member, on ``HASH_THREADS`` threads; results stay in the jobs.

    The calling thread parses the records members (they need the GIL, and progress and
    cancellation belong to the caller's thread), then joins the others on the remaining members,
    which every thread takes in file order. Each thread reads with its own buffer through
    positional reads. Problems are not reported here: the caller walks the jobs in file order, so
    the result is the same whatever thread finished first. An unexpected error (an OSError) stops
    all threads and is raised in the calling thread.
    """

    def __init__(self, source: ByteSource, jobs: list[_HashJob], progress: Progress) -> None:
        self.source = source
        self.jobs = jobs
        self.progress = progress
        self.total = sum(job.member.size for job in jobs)
        self._own = [job for job in jobs if job.check is not None]
        self._shared = [job for job in jobs if job.check is None]
        self._next_index = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._done: list[int] = []
        self._current = ""

    def run(self) -> None:
        threads = max(1, min(HASH_THREADS, len(self._shared) + 1))
        self._done = [0] * threads
        workers = [
            threading.Thread(target=self._work, args=(slot,), daemon=True, name="bundle-hash")
            for slot in range(1, threads)
        ]
        try:
            for worker in workers:
                worker.start()
            buffer = memoryview(bytearray(_HASH_CHUNK))
            for own in self._own:
                self._hash(own, 0, buffer)
            while (job := self._take()) is not None:
                self._hash(job, 0, buffer)
            for worker in workers:
                while worker.is_alive():
                    worker.join(_WAIT_SECONDS)
                    self._tick()
        finally:
            self._stop.set()
            for worker in workers:
                if worker.ident is not None:
                    worker.join()
        for job in self.jobs:
            if job.error is not None:
                raise job.error
        if not all(job.finished for job in self.jobs):  # pragma: no cover - a bug, not input
            raise RuntimeError("payload hashing stopped early")

    def _take(self) -> _HashJob | None:
        with self._lock:
            if self._stop.is_set() or self._next_index >= len(self._shared):
                return None
            job = self._shared[self._next_index]
            self._next_index += 1
            return job

    def _work(self, slot: int) -> None:
        buffer = memoryview(bytearray(_HASH_CHUNK))
        while (job := self._take()) is not None:
            try:
                self._hash(job, slot, buffer)
            except BaseException as exc:  # handed to the calling thread
                job.error = exc
                self._stop.set()
                return

    def _hash(self, job: _HashJob, slot: int, buffer: memoryview) -> None:
        member = job.member
        digest = hashlib.sha256()
        main = slot == 0
        if main:
            self._current = member.name
        done = self._done
        try:
            if job.check is not None:
                check = job.check
                for chunk in iter_member(self.source, member):
                    digest.update(chunk)
                    check.feed(chunk)
                    done[slot] += len(chunk)
                    self._tick()
                check.close()
            else:
                chunks = (
                    iter_stored_views(self.source, member, buffer)
                    if member.method == 0
                    else iter_member(self.source, member)
                )
                for view in chunks:
                    digest.update(view)
                    done[slot] += len(view)
                    if main:
                        self._tick()
                    elif self._stop.is_set():
                        return
        except ProblemError as exc:
            job.problem = exc.problem
        job.hexdigest = digest.hexdigest()
        job.finished = True

    def _tick(self) -> None:
        """Progress and cancellation, from the calling thread only."""
        if self.progress.cancelled():
            raise Cancelled()
        self.progress.report(sum(self._done), self.total, self._current)


class VerifiedBundle:
    """Streaming access to a verified bundle; every byte is re-checked against the manifest.

    A hash that no longer matches raises ProblemError(``archive.changed``) when the member ends,
    so run an import inside one database transaction and roll back on that error.
    """

    def __init__(self, result: VerificationResult) -> None:
        self.result = result
        file_source = ByteSource.open_file(result.path)
        try:
            self._source = file_source.window(result._origin, result._size)
            index, problems = scan_archive(self._source, result._limits)
            if problems or index is None:
                raise ProblemError(make_problem("archive.changed", result.path.name))
            self._index = index
            tag = read_member(
                self._source, index.members[fmt.TAGMANIFEST], result._limits.max_tag_file
            )
            if hashlib.sha256(tag).hexdigest() != result.content_hash:
                raise ProblemError(make_problem("archive.changed", result.path.name))
        except (ProblemError, KeyError, ValueError, OSError):
            file_source.close()
            raise ProblemError(make_problem("archive.changed", result.path.name)) from None
        self._file_source = file_source

    def __enter__(self) -> VerifiedBundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._file_source.close()

    @property
    def header(self) -> fmt.BundleHeader:
        assert self.result.header is not None
        return self.result.header

    @property
    def kinds(self) -> list[str]:
        return sorted(self.header.record_counts)

    def iter_records(self, kind: str) -> Iterator[dict[str, Any]]:
        if kind not in self.header.record_counts:
            return
        limits = self.result._limits
        try:
            yield from iter_records(
                self._checked(fmt.record_path(kind)),
                kind,
                max_line=limits.max_record_line,
                max_depth=limits.max_json_depth,
            )
        except ProblemError as exc:
            if exc.code == "archive.changed":
                raise
            raise ProblemError(make_problem("archive.changed", exc.problem.detail)) from None

    def iter_attachment(self, sha256: str) -> Iterator[bytes]:
        if sha256 not in self.result.attachment_hashes:
            raise KeyError(sha256)
        return self._checked(fmt.attachment_path(sha256))

    def open_attachment(self, sha256: str) -> IO[bytes]:
        """A readable stream; it raises ProblemError at the end if the bytes changed."""
        return io.BufferedReader(_ChunkStream(self.iter_attachment(sha256)), 1 << 20)

    def copy_attachment(self, sha256: str, out: IO[bytes]) -> int:
        written = 0
        for chunk in self.iter_attachment(sha256):
            out.write(chunk)
            written += len(chunk)
        return written

    def forwarded(self) -> list[VerificationResult]:
        return list(self.result.forwarded)

    def _checked(self, name: str) -> Iterator[bytes]:
        member: Member | None = self._index.members.get(name)
        expected = self.result._manifest.get(name)
        if member is None or expected is None:
            raise ProblemError(make_problem("archive.changed", name))
        digest = hashlib.sha256()
        try:
            for chunk in iter_member(self._source, member):
                digest.update(chunk)
                yield chunk
        except ProblemError:
            raise ProblemError(make_problem("archive.changed", name)) from None
        if digest.hexdigest() != expected:
            raise ProblemError(make_problem("archive.changed", name))


class _ChunkStream(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count
