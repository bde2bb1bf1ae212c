"""Write a signed bundle: stream records and files into a zip, hash while writing, sign, then
move the finished file into place in one step.

The file (or every part of a split bundle) is written under a temporary name in the destination
folder and flushed to disk; only then are the final names given, and the folder itself flushed, so a
crash or a pulled USB stick never leaves a file that looks complete. ``stage_bundle`` stops before
the renames, so that a caller can record what it is about to publish first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from smartcity_desktop.bundles import format as fmt
from smartcity_desktop.bundles.manifests import format_bag_info, format_manifest, payload_oxum
from smartcity_desktop.bundles.parts import read_part_header, stage_parts
from smartcity_desktop.bundles.progress import Cancelled, NoProgress, Progress
from smartcity_desktop.crypto.canonical_json import canonical_bytes
from smartcity_desktop.crypto.certificates import Certificate
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.offices import code_matches_role
from smartcity_desktop.crypto.signed_documents import b64encode
from smartcity_desktop.crypto.timestamps import utc_now

CHUNK = 1 << 20
_RECORD_BUFFER = 256 << 10
_RECORDS_PER_CHECK = 500


class BundleWriteError(Exception):
    """A programming or data-store error found while writing (for example a wrong hash)."""


@dataclass(frozen=True)
class Sender:
    office_code: str
    role: str
    signing_key: SigningKey
    certificate: Certificate | None = None


@dataclass(frozen=True)
class AttachmentFile:
    """A file from the attachment store; its content is re-hashed while copied into the bundle."""

    sha256: str
    path: Path


@dataclass(frozen=True)
class WrittenBundle:
    paths: tuple[Path, ...]
    content_hash: str
    header: fmt.BundleHeader
    size: int


@dataclass(frozen=True)
class StagedBundle:
    """A finished bundle still under temporary names; ``publish`` gives it its final names."""

    moves: tuple[tuple[Path, Path], ...]  # (temporary, final), one per file
    content_hash: str
    header: fmt.BundleHeader
    size: int  # of the whole bundle, before any split
    parts_sha256: str | None  # the whole bundle's SHA-256 that split parts name in their headers

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(final for _temporary, final in self.moves)

    def publish(self) -> WrittenBundle:
        """Rename every file to its final name, then flush the folder so the names survive a
        power cut. A failure part-way leaves some final names: call ``discard(published=True)``."""
        for temporary, final in self.moves:
            os.replace(temporary, final)
        _fsync_folder(self.moves[0][1].parent)
        return WrittenBundle(self.paths, self.content_hash, self.header, self.size)

    def discard(self, *, published: bool = False) -> None:
        """Remove the temporary files, and with ``published`` the final ones this bundle made."""
        for temporary, final in self.moves:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            if published:
                with contextlib.suppress(FileNotFoundError):
                    final.unlink()


def write_bundle(
    destination: Path,
    *,
    sender: Sender,
    sequence: int,
    records: Mapping[str, Iterable[Mapping[str, Any]]],
    app_version: str,
    schema_version: int,
    attachments: Iterable[AttachmentFile] = (),
    forwarded: Iterable[Path] = (),
    created: datetime | None = None,
    progress: Progress | None = None,
    split_size: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> WrittenBundle:
    """Write ``destination`` (a ``.scb`` file), or numbered parts of at most ``split_size`` bytes.

    ``records`` maps a kind (``problem``, ``review``, ...) to its rows; each row whose
    ``office_code`` is set must belong to the sender. Raises Cancelled when ``progress`` asks to
    stop, BundleWriteError on bad input, OSError on disk problems; nothing is left behind.
    """
    staged = stage_bundle(
        destination,
        sender=sender,
        sequence=sequence,
        records=records,
        app_version=app_version,
        schema_version=schema_version,
        attachments=attachments,
        forwarded=forwarded,
        created=created,
        progress=progress,
        split_size=split_size,
        extra=extra,
    )
    try:
        return staged.publish()
    except BaseException:
        staged.discard(published=True)
        raise


def stage_bundle(
    destination: Path,
    *,
    sender: Sender,
    sequence: int,
    records: Mapping[str, Iterable[Mapping[str, Any]]],
    app_version: str,
    schema_version: int,
    attachments: Iterable[AttachmentFile] = (),
    forwarded: Iterable[Path] = (),
    created: datetime | None = None,
    progress: Progress | None = None,
    split_size: int | None = None,
    extra: Mapping[str, Any] | None = None,
) -> StagedBundle:
    """``write_bundle`` up to the renames: every file is complete and flushed under a temporary
    name next to its final one. Raises as ``write_bundle`` does; nothing is left behind then."""
    if not code_matches_role(sender.office_code, sender.role):
        raise BundleWriteError(f"office code {sender.office_code!r} and role {sender.role!r}")
    if sequence < 1:
        raise BundleWriteError("sequence numbers start at 1")
    if (
        sender.certificate is not None
        and sender.certificate.public_key != sender.signing_key.public
    ):
        raise BundleWriteError("certificate is for another key")
    for kind in records:
        fmt.record_path(kind)
    progress = progress or NoProgress()
    created = (created or utc_now()).replace(microsecond=0)
    attachment_list = _unique_attachments(attachments)
    forwarded_list = list(dict.fromkeys(forwarded))
    destination = Path(destination)
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partial")
    whole_kept = False
    try:
        with temporary.open("xb") as handle:
            writer = _BagWriter(
                handle,
                fmt.bag_folder_name(sender.office_code, sequence),
                created,
                progress,
                attachment_list,
                forwarded_list,
                records,
            )
            header, tagmanifest = writer.write(
                sender, sequence, app_version, schema_version, extra or {}
            )
            handle.flush()
            os.fsync(handle.fileno())
        size = temporary.stat().st_size
        content_hash = hashlib.sha256(tagmanifest).hexdigest()
        parts_sha256 = None
        if split_size is not None and size > split_size:
            moves = stage_parts(temporary, destination, split_size)
            first = read_part_header(moves[0][0])
            parts_sha256 = first.bundle_sha256 if first is not None else None
        else:
            moves = ((temporary, destination),)
            whole_kept = True
        progress.report(1, 1, "")
        return StagedBundle(moves, content_hash, header, size, parts_sha256)
    except BaseException:
        whole_kept = False
        raise
    finally:
        if not whole_kept:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()


class _BagWriter:
    def __init__(
        self,
        handle: IO[bytes],
        top: str,
        created: datetime,
        progress: Progress,
        attachments: list[AttachmentFile],
        forwarded: list[Path],
        records: Mapping[str, Iterable[Mapping[str, Any]]],
    ) -> None:
        self.top = top
        self.created = created
        self.progress = progress
        self.attachments = attachments
        self.forwarded = forwarded
        self.records = records
        self.zip = zipfile.ZipFile(handle, "w", allowZip64=True)
        self.manifest: dict[str, str] = {}
        self.payload_bytes = 0
        self.done = 0
        sizes = [len(rows) for rows in records.values() if isinstance(rows, Sized)]
        sized = len(sizes) == len(records)
        file_bytes = sum(a.path.stat().st_size for a in attachments)
        file_bytes += sum(p.stat().st_size for p in forwarded)
        record_count = sum(sizes)
        # Work units: one per byte of files plus one per record; 0 means unknown.
        self.total = file_bytes + record_count if sized else 0

    def write(
        self,
        sender: Sender,
        sequence: int,
        app_version: str,
        schema_version: int,
        extra: Mapping[str, Any],
    ) -> tuple[fmt.BundleHeader, bytes]:
        try:
            counts = {
                kind: self._write_records(kind, rows, sender.office_code)
                for kind, rows in self.records.items()
            }
            for attachment in self.attachments:
                self._write_file(
                    fmt.attachment_path(attachment.sha256), attachment.path, attachment.sha256
                )
            forwarded_hashes = []
            for path in self.forwarded:
                digest = _hash_file(path)
                forwarded_hashes.append(digest)
                self._write_file(fmt.forwarded_path(digest), path, digest)
            header = fmt.BundleHeader(
                sender_office=sender.office_code,
                sender_role=sender.role,
                sender_public_key=sender.signing_key.public,
                sender_certificate=sender.certificate.to_dict() if sender.certificate else None,
                sequence=sequence,
                created=self.created,
                app_version=app_version,
                schema_version=schema_version,
                record_counts=counts,
                attachment_count=len(self.attachments),
                forwarded=tuple(forwarded_hashes),
                extra=dict(extra),
            )
            tagmanifest = self._write_tag_files(header, sender.signing_key)
        finally:
            self.zip.close()
        return header, tagmanifest

    def _info(self, name: str, method: int, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(f"{self.top}/{name}", self.created.timetuple()[:6])
        info.compress_type = method
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.file_size = size
        return info

    def _write_records(self, kind: str, rows: Iterable[Mapping[str, Any]], office: str) -> int:
        path = fmt.record_path(kind)
        digest = hashlib.sha256()
        count = 0
        written = 0
        buffer = bytearray()
        with self.zip.open(self._info(path, zipfile.ZIP_DEFLATED), "w") as out:
            for row in rows:
                buffer += _record_line(row, kind, count, office)
                count += 1
                if len(buffer) >= _RECORD_BUFFER:
                    written += self._flush(out, digest, buffer)
                if count % _RECORDS_PER_CHECK == 0:
                    self._step(_RECORDS_PER_CHECK)
            written += self._flush(out, digest, buffer)
        self._step(count % _RECORDS_PER_CHECK)
        self._add_payload(path, digest.hexdigest(), written)
        return count

    def _flush(self, out: IO[bytes], digest: Any, buffer: bytearray) -> int:
        size = len(buffer)
        out.write(buffer)
        digest.update(buffer)
        buffer.clear()
        return size

    def _write_file(self, name: str, source: Path, expected: str) -> None:
        digest = hashlib.sha256()
        size = 0
        with source.open("rb") as src:
            length = os.fstat(src.fileno()).st_size
            info = self._info(name, zipfile.ZIP_STORED, length)
            with self.zip.open(info, "w", force_zip64=length > (1 << 30)) as out:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    self._step(len(chunk))
        if digest.hexdigest() != expected:
            raise BundleWriteError(f"{source}: content does not match sha256 {expected}")
        self._add_payload(name, expected, size)

    def _add_payload(self, name: str, digest: str, size: int) -> None:
        self.manifest[name] = digest
        self.payload_bytes += size

    def _step(self, units: int) -> None:
        self.done += units
        if self.progress.cancelled():
            raise Cancelled()
        self.progress.report(self.done, self.total, "")

    def _write_tag_files(self, header: fmt.BundleHeader, key: SigningKey) -> bytes:
        manifest = format_manifest(self.manifest)
        bag_info = format_bag_info(
            [
                ("Source-Organization", f"{header.sender_office} ({header.sender_role})"),
                ("Bagging-Date", header.created.date().isoformat()),
                ("External-Identifier", f"{header.sender_office}/{header.sequence}"),
                ("Bag-Software-Agent", f"SmartCity Desktop {header.app_version}"),
                ("Payload-Oxum", payload_oxum(self.payload_bytes, len(self.manifest))),
            ]
        )
        header_bytes = (
            json.dumps(header.to_dict(), sort_keys=True, ensure_ascii=False, indent=1).encode(
                "utf-8"
            )
            + b"\n"
        )
        tag_contents = {
            fmt.BAGIT_TXT: fmt.BAGIT_DECLARATION,
            fmt.BAG_INFO_TXT: bag_info,
            fmt.HEADER: header_bytes,
            fmt.MANIFEST: manifest,
        }
        for name, data in tag_contents.items():
            self.zip.writestr(self._info(name, zipfile.ZIP_DEFLATED), data)
        tagmanifest = format_manifest(
            {name: hashlib.sha256(data).hexdigest() for name, data in tag_contents.items()}
        )
        self.zip.writestr(self._info(fmt.TAGMANIFEST, zipfile.ZIP_DEFLATED), tagmanifest)
        signature = {
            "format": fmt.SIGNATURE_FORMAT,
            "format_version": fmt.FORMAT_VERSION,
            "algorithm": "ed25519",
            "key_id": key.public.key_id,
            "signature": b64encode(key.sign(fmt.signed_message(tagmanifest))),
        }
        self.zip.writestr(
            self._info(fmt.SIGNATURE, zipfile.ZIP_DEFLATED), canonical_bytes(signature) + b"\n"
        )
        return tagmanifest


def _record_line(row: Mapping[str, Any], kind: str, index: int, office: str) -> bytes:
    if not isinstance(row, Mapping):
        raise BundleWriteError(f"{kind} #{index}: a record must be a mapping")
    owner = row.get(fmt.RECORD_OFFICE_FIELD)
    if owner is not None and owner != office:
        raise BundleWriteError(f"{kind} #{index}: belongs to {owner}, not to sender {office}")
    try:
        return canonical_bytes(dict(row)) + b"\n"
    except (ValueError, TypeError) as exc:
        raise BundleWriteError(f"{kind} #{index}: {exc}") from exc


def _unique_attachments(attachments: Iterable[AttachmentFile]) -> list[AttachmentFile]:
    unique: dict[str, AttachmentFile] = {}
    for attachment in attachments:
        if not fmt.SHA256_PATTERN.fullmatch(attachment.sha256):
            raise BundleWriteError(f"not a lowercase sha256: {attachment.sha256!r}")
        unique.setdefault(attachment.sha256, attachment)
    return list(unique.values())


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in _chunks(handle):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows has no directory handles to sync.
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
