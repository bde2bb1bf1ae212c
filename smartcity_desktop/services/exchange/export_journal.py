"""The bundle_export rows as a journal: a number is reserved before its file exists.

An export goes pending -> done, or pending -> abandoned when it was interrupted. The steps:

1. ``reserve``: the next number, recorded as pending in one transaction, before any file is written;
2. ``record_staged``: the complete file is on disk under a temporary name; its final names and
   hashes are recorded, so that an interruption during the renames can be cleaned up later;
3. ``finish``: every file has its final name; the export becomes done and the records it carried
   are marked sent, in one transaction.

A pending row found later, while no export holds the lock, belongs to an export that was killed:
``close_interrupted`` marks it abandoned, so its number is never given to another bundle (the
receiver sees an honest gap instead of two different bundles under one number).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from smartcity_desktop.bundles.parts import read_part_header
from smartcity_desktop.bundles.writer import StagedBundle
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange.common import CHUNK, MODELS
from smartcity_desktop.services.exchange.export_lock import export_lock_if_free
from smartcity_desktop.storage import bundle_numbers
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.models import (
    EXPORT_ABANDONED,
    EXPORT_DONE,
    EXPORT_PENDING,
    BundleExport,
    BundleLedger,
    table_of,
)

log = logging.getLogger(__name__)

# (id, revision) of each row that goes out, per kind
SentVersions = Mapping[str, Sequence[tuple[str, int]]]


def reserve(
    ctx: AppContext, *, key_id: str, full: bool, counts: Mapping[str, int], folder: Path
) -> int:
    """Take the next number for a bundle about to be written (the caller holds the lock).

    The number is above every number in the table and above the mark kept outside the database
    (``storage.bundle_numbers``), which is raised before the row commits: after a restore of an
    older backup no number already sent is taken again."""
    with ctx.db.transaction() as session:
        in_table = session.scalar(select(func.max(BundleExport.sequence))) or 0
        sequence = max(in_table, bundle_numbers.highest_taken(ctx.paths.root)) + 1
        _record_taken(ctx, sequence)
        session.add(
            BundleExport(
                sequence=sequence,
                status=EXPORT_PENDING,
                key_id=key_id,
                created_at=ctx.clock(),
                full=full,
                files="[]",
                folder=str(folder),
                counts=json.dumps(dict(counts)),
            )
        )
    return sequence


def record_staged(ctx: AppContext, sequence: int, staged: StagedBundle) -> None:
    with ctx.db.transaction() as session:
        row = _pending(session, sequence)
        row.files = json.dumps([p.name for p in staged.paths])
        row.content_hash = staged.content_hash
        row.size = staged.size
        row.parts_sha256 = staged.parts_sha256


def finish(
    ctx: AppContext, sequence: int, sent: SentVersions, *, forwarded: Sequence[str] = ()
) -> None:
    """The bundle is complete under its final names: done, its records sent and the village
    bundles it carries (ledger content hashes) forwarded, at once."""
    with ctx.db.transaction() as session:
        row = _pending(session, sequence)
        row.status = EXPORT_DONE
        hashes = list(forwarded)
        for start in range(0, len(hashes), CHUNK):
            session.execute(
                update(BundleLedger)
                .where(BundleLedger.content_hash.in_(hashes[start : start + CHUNK]))
                .values(forwarded_by=ctx.office.code)
                .execution_options(synchronize_session=False)
            )
        connection = session.connection()
        for kind, pairs in sent.items():
            table = table_of(MODELS[kind])
            if pairs:  # only the revision that went out counts as sent
                connection.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"), table.c.revision == bindparam("b_rev"))
                    .values(sent_revision=table.c.revision),
                    [{"b_id": i, "b_rev": r} for i, r in pairs],
                )


def release(ctx: AppContext, sequence: int) -> None:
    """Give a number back after a failure that left no file under a final name."""
    with ctx.db.transaction() as session:
        session.execute(
            delete(BundleExport).where(
                BundleExport.sequence == sequence, BundleExport.status == EXPORT_PENDING
            )
        )
    with contextlib.suppress(OSError):  # a mark left higher only costs a gap
        bundle_numbers.give_back(ctx.paths.root, sequence)


def _record_taken(ctx: AppContext, sequence: int) -> None:
    try:
        bundle_numbers.record_taken(ctx.paths.root, sequence)
    except OSError as exc:
        raise (translate_os_error(exc, ctx.paths.root) or exc) from exc


def abandon(ctx: AppContext, sequence: int) -> None:
    """Close an export that failed after its files may have been seen under final names."""
    with ctx.db.transaction() as session:
        row = session.get(BundleExport, sequence)
        if row is not None and row.status == EXPORT_PENDING:
            _remove_incomplete_parts(row)
            row.status = EXPORT_ABANDONED


def abandon_pending(ctx: AppContext) -> list[int]:
    """Close every pending export as abandoned; only while holding the export lock."""
    with ctx.db.transaction() as session:
        rows = session.scalars(
            select(BundleExport).where(BundleExport.status == EXPORT_PENDING)
        ).all()
        for row in rows:
            # Files first: if this transaction then fails, the row stays pending and is retried.
            _remove_incomplete_parts(row)
            row.status = EXPORT_ABANDONED
        numbers = [row.sequence for row in rows]
    if numbers:
        log.info("interrupted exports closed as abandoned: %s", numbers)
    return numbers


def close_interrupted(ctx: AppContext) -> list[int]:
    """At start: abandon the exports a crash left pending, unless an export is running now
    (in the desktop or a CLI run), whose pending row is alive. Never fails the start."""
    try:
        with ctx.db.session() as session:
            pending = session.scalar(
                select(func.count())
                .select_from(BundleExport)
                .where(BundleExport.status == EXPORT_PENDING)
            )
        if not pending:
            return []
        with export_lock_if_free(ctx.paths, ctx.db) as free:
            return abandon_pending(ctx) if free else []
    except (UserError, OSError) as exc:
        # A read-only folder or a full disk: the next export closes them under its lock anyway.
        log.info("interrupted exports not closed now: %s", exc)
        return []


def _pending(session: Session, sequence: int) -> BundleExport:
    row = session.get(BundleExport, sequence)
    if row is None or row.status != EXPORT_PENDING:
        raise RuntimeError(f"export {sequence} is no longer pending")
    return row


def _remove_incomplete_parts(row: BundleExport) -> None:
    """A split bundle interrupted while its parts got their final names leaves a set that can never
    be joined: remove those parts (only files whose header names this very bundle). A complete
    set, or a single file, is a valid signed bundle and stays."""
    names: list[str] = json.loads(row.files or "[]")
    if len(names) < 2 or not row.folder or not row.parts_sha256:
        return
    folder = Path(row.folder)
    present = [folder / name for name in names if (folder / name).is_file()]
    if len(present) == len(names):
        return
    for path in present:
        header = read_part_header(path)
        if header is not None and header.bundle_sha256 == row.parts_sha256:
            with contextlib.suppress(OSError):
                path.unlink()
