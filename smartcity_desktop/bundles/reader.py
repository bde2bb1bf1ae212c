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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.manifests import ManifestError, parse_bag_info, parse_manifest
from smartcity_desktop.bundles.parts import PART_MAGIC
from smartcity_desktop.bundles.problem_texts import make_problem
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.bundles.records import iter_records
from smartcity_desktop.bundles.safezip import (
    DEFAULT_LIMITS,
    ArchiveIndex,
    Limits,
    Member,
    iter_member,
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

    def check_bag(self) -> None:
        assert self.index is not None
        members = self.index.members
        for name in fmt.TAG_FILES:
            self.tags[name] = read_member(self.source, members[name], self.limits.max_tag_file)
        if self.tags[fmt.BAGIT_TXT].replace(b"\r\n", b"\n") != fmt.BAGIT_DECLARATION:
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
        if self.result.problems:
            return
        self._hash_payload()
        self.result.content_hash = hashlib.sha256(self.tags[fmt.TAGMANIFEST]).hexdigest()
        self.result._manifest = self.manifest

    def _manifest(self, name: str) -> dict[str, str]:
        try:
            return parse_manifest(self.tags[name])
        except ManifestError as exc:
            self.problem(
                "manifest.path_escape" if exc.escape else "manifest.malformed", f"{name}: {exc}"
            )
            return {}

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
        # Read in file order: one sequential pass over the disk, whatever the manifest order.
        members = sorted(
            (self.index.members[n] for n in self.manifest), key=lambda m: m.data_offset
        )
        total = sum(m.size for m in members)
        done = 0
        for member in members:
            digest = hashlib.sha256()
            try:
                for chunk in iter_member(self.source, member):
                    digest.update(chunk)
                    done += len(chunk)
                    if self.progress.cancelled():
                        raise Cancelled()
                    self.progress.report(done, total, member.name)
            except ProblemError as exc:
                self.problem(exc.code, exc.problem.detail)
                continue
            if digest.hexdigest() != self.manifest[member.name]:
                self.problem("manifest.hash_mismatch", member.name)

    def check_signature(self) -> None:
        try:
            doc = loads_strict(self.tags[fmt.HEADER])
            self.header = fmt.BundleHeader.from_dict(doc)
        except fmt.UnsupportedFormat as exc:
            self.problem("header.unsupported_format", str(exc))
            return
        except (StrictJsonError, ValueError) as exc:
            self.problem("header.malformed", str(exc)[:200])
            return
        self.result.header = self.header
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
            self.problem("signature.malformed", str(exc)[:200])
            return
        if sig["key_id"] != self.header.sender_key_id:
            self.problem("signature.key_mismatch", str(sig["key_id"])[:40])
            return
        key = self.header.sender_public_key
        if not key.verify(signature, fmt.signed_message(self.tags[fmt.TAGMANIFEST])):
            self.problem("signature.invalid")
            return
        self.result.signer = key

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
            member = self.index.members[fmt.record_path(kind)]
            count = 0
            for record in iter_records(
                iter_member(self.source, member),
                kind,
                max_line=self.limits.max_record_line,
                max_depth=self.limits.max_json_depth,
            ):
                count += 1
                owner = record.get(fmt.RECORD_OFFICE_FIELD, header.sender_office)
                # may_speak_for also refuses non-text owners; equality is the common fast case.
                if owner != header.sender_office and not may_speak_for(
                    header.sender_office, header.sender_role, owner
                ):
                    self.problem("record.office_not_sender", f"{kind} #{count}: {owner!s:.40}")
                    return
                if kind == fmt.ATTACHMENT_KIND:
                    referenced.add(str(record.get(fmt.ATTACHMENT_HASH_FIELD)))
            if count != expected:
                self.problem("header.count_mismatch", f"{kind} {count} != {expected}")
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
