"""The operations the crash harness kills, one table entry each, and their invariants.

Adding an operation is one more ``Operation`` in ``OPERATIONS``: a ``prepare`` that builds its small
office once (copy what it needs from the shared templates), the CLI ``command`` of a trial, and a
``check`` returning a verdict per invariant. A restore, for example, prepares an office with a
backup in its backups folder and a damaged or changed database, runs ``restore BACKUP``, and checks
integrity, all or nothing (the database is either the old file or exactly the backup's content,
and a damaged file kept aside is never lost), final names verify (the kept-aside copy and the
backups still pass integrity_check), and that the next start works.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from tests.crash.harness import (
    ALL_OR_NOTHING,
    FINAL_NAMES_VERIFY,
    INTEGRITY,
    NEXT_START,
    NO_REUSED_NUMBER,
    SENT_ONLY_IF_DELIVERED,
    Operation,
    Trial,
    Verdicts,
)

PASSPHRASE = "rahasia-desa-2026"
DESA_CODE = "32.16.01.2001"
KECAMATAN_CODE = "32.16.01"
OLD_REVISION = "0002"  # 0002 cannot be downgraded cleanly (it leaves its tables)

RecordKey = tuple[str, str, int]  # kind, id, revision


# --- shared material -------------------------------------------------------------------------


def prepare_shared(shared: Path) -> None:
    """A village with a little of everything (photos too), and its kecamatan that trusts it."""
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.office import init_office, office_fingerprint
    from smartcity_desktop.services.sample_data import SampleRequest, generate
    from smartcity_desktop.storage.paths import DataPaths

    desa, kecamatan = DataPaths(shared / "desa"), DataPaths(shared / "kecamatan")
    for paths, role, code in ((desa, "desa", DESA_CODE), (kecamatan, "kecamatan", KECAMATAN_CODE)):
        init_office(paths, role=role, office_code=code, operator="Uji", passphrase=PASSPHRASE)
    ctx = open_context(desa)
    try:
        generate(ctx, SampleRequest(problems=6, potentials=3, proposals=4, photos=2, seed=5))
        fingerprint = office_fingerprint(ctx)
    finally:
        ctx.close()
    ctx = open_context(kecamatan)
    try:
        trust.pin_office(ctx, DESA_CODE, fingerprint)
    finally:
        ctx.close()
    for paths in (desa, kecamatan):
        _keep_only_this_regency(paths.database)


def _keep_only_this_regency(database: Path) -> None:
    """The national region list is 9 of an office's 10 MB; these trials need one regency of it.
    A tiny database makes each trial's copy and integrity check cheap."""
    conn = sqlite3.connect(database)
    try:
        with conn:
            conn.execute("DELETE FROM region WHERE code != '32' AND code NOT LIKE '32.16%'")
        assert not conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    finally:
        conn.close()


# --- checks shared by operations ---------------------------------------------------------------


def integrity(*databases: Path) -> str | None:
    for path in databases:
        conn = sqlite3.connect(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.Error as exc:
            return f"{path.name}: {exc}"
        finally:
            conn.close()
        if result != [("ok",)]:
            return f"{path.name}: {result[:3]}"
        if foreign:
            return f"{path.name}: foreign keys {foreign[:3]}"
    return None


def next_start(folder: Path) -> tuple[object | None, str | None]:
    """Open the office as the app's next start would; (context, None) or (None, the error)."""
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.storage.paths import DataPaths

    try:
        return open_context(DataPaths(folder)), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def record_keys(database: Path, ids: Iterable[str] | None = None) -> set[RecordKey]:
    """(kind, id, revision) of the exchanged rows in a database, optionally only these ids."""
    from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
    from smartcity_desktop.storage.models import table_of

    wanted = set(ids) if ids is not None else None
    conn = sqlite3.connect(database)
    try:
        keys = set()
        for kind in EXCHANGED_KINDS:
            table = table_of(MODELS[kind]).name
            for row_id, revision in conn.execute(f"SELECT id, revision FROM {table}"):
                if wanted is None or row_id in wanted:
                    keys.add((kind, row_id, revision))
        return keys
    finally:
        conn.close()


def bundle_keys(paths: list[Path], scratch: Path) -> set[RecordKey]:
    """(kind, id, revision) of every record in a verified bundle (parts are joined first)."""
    from smartcity_desktop.bundles.parts import assemble_parts
    from smartcity_desktop.bundles.reader import verify_bundle

    path = paths[0]
    if len(paths) > 1:
        scratch.mkdir(parents=True, exist_ok=True)
        path = assemble_parts(paths, Path(tempfile.mkdtemp(dir=scratch)))
    result = verify_bundle(path)
    keys = set()
    with result.open() as bundle:
        for kind in bundle.kinds:
            keys |= {(kind, r["id"], r["revision"]) for r in bundle.iter_records(kind)}
    return keys


def _final_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _close(ctx: object | None) -> None:
    if ctx is not None:
        ctx.close()  # type: ignore[attr-defined]


# --- export -------------------------------------------------------------------------------------


def prepare_export(folder: Path, shared: Path) -> None:
    shutil.copytree(shared / "desa", folder / "desa")
    (folder / "out").mkdir()


def export_command(trial: Trial) -> list[str]:
    command = [
        "--data-dir",
        str(trial.folder / "desa"),
        "export",
        "--out",
        str(trial.folder / "out"),
    ]
    if trial.index % 2:  # every other trial splits into parts: their renames are a window too
        command += ["--max-part-size", "64K"]
    return command


def check_export(trial: Trial) -> Verdicts:
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle, group_inputs, verify_files
    from smartcity_desktop.services.exchange.common import EXCHANGED_KINDS, MODELS
    from smartcity_desktop.storage.models import BundleExport
    from smartcity_desktop.storage.paths import DataPaths

    desa_db = trial.folder / "desa" / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(desa_db)}
    ctx, failure = next_start(trial.folder / "desa")
    verdicts[NEXT_START] = failure
    if ctx is None:
        return verdicts
    receiver = open_context(DataPaths(trial.shared / "kecamatan"))
    try:
        with ctx.db.session() as session:  # type: ignore[attr-defined]
            journal = {  # (older schemas had no status: every row was a finished export)
                row.sequence: (getattr(row, "status", "done"), json.loads(row.files))
                for row in session.scalars(select(BundleExport))
            }
            sent: set[RecordKey] = set()
            for kind in EXCHANGED_KINDS:
                model = MODELS[kind]
                sent |= {
                    (kind, row_id, revision)
                    for row_id, revision in session.execute(
                        select(model.id, model.sent_revision).where(
                            model.sent_revision.is_not(None)
                        )
                    )
                }
        out = trial.folder / "out"
        files: dict[int, list[Path]] = {}
        unverified = []
        for group in group_inputs(_final_files(out)):
            report = verify_files(receiver, group)[0]
            if report.status != "verified" or report.sequence is None:
                codes = [f.code for f in report.findings]
                unverified.append(f"{[p.name for p in group]}: {codes}")
            else:
                files[report.sequence] = group
        verdicts[FINAL_NAMES_VERIFY] = "; ".join(unverified) or None

        pending = [seq for seq, (status, _f) in journal.items() if status == "pending"]
        incomplete = [
            seq
            for seq, (status, names) in journal.items()
            if status == "done" and sorted(p.name for p in files.get(seq, [])) != sorted(names)
        ]
        verdicts[ALL_OR_NOTHING] = (
            f"pending after the next start: {pending}"
            if pending
            else f"done without all its files verified: {incomplete}"
            if incomplete
            else None
        )

        delivered: set[RecordKey] = set()
        for seq, group in files.items():
            if journal.get(seq, ("", []))[0] == "done":
                delivered |= bundle_keys(group, trial.folder / "scratch")
        missing = sent - delivered
        verdicts[SENT_ONLY_IF_DELIVERED] = (
            f"{len(missing)} marked sent, not in a complete bundle: {sorted(missing)[:3]}"
            if missing
            else None
        )

        # Every number on a file is known to the journal; and when a file exists (the case that
        # matters, and the costly one to check), the next export really takes a new number.
        unknown = sorted(set(files) - set(journal))
        verdicts[NO_REUSED_NUMBER] = (
            f"numbers on files but not in the journal: {unknown}" if unknown else None
        )
        if files:
            following = trial.folder / "following"
            following.mkdir()
            result = export_bundle(ctx, PASSPHRASE, following, full=True)  # type: ignore[arg-type]
            taken = set(files) | set(journal)
            if result.sequence <= max(taken):
                verdicts[NO_REUSED_NUMBER] = (
                    f"the next export took {result.sequence} (numbers taken: {sorted(taken)})"
                )
    finally:
        _close(ctx)
        receiver.close()
    return verdicts


# --- import -------------------------------------------------------------------------------------


def prepare_import(folder: Path, shared: Path) -> None:
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle
    from smartcity_desktop.storage.paths import DataPaths

    shutil.copytree(shared / "kecamatan", folder / "kecamatan")
    sender = folder.parent / f"{folder.name}-sender"
    shutil.copytree(shared / "desa", sender)
    ctx = open_context(DataPaths(sender))
    try:
        result = export_bundle(ctx, PASSPHRASE, folder / "bundle.scb", full=True)
    finally:
        ctx.close()
    keys = sorted(bundle_keys([folder / "bundle.scb"], folder / "scratch"))
    shutil.rmtree(folder / "scratch", ignore_errors=True)
    shutil.rmtree(sender)
    (folder / "expected.json").write_text(
        json.dumps({"content_hash": result.content_hash, "records": keys})
    )


def import_command(trial: Trial) -> list[str]:
    kecamatan = str(trial.folder / "kecamatan")
    return ["--data-dir", kecamatan, "import", str(trial.folder / "bundle.scb")]


def check_import(trial: Trial) -> Verdicts:
    from smartcity_desktop.services.receipts import RECEIPTS_FOLDER
    from smartcity_desktop.storage.models import BundleLedger

    expected = json.loads((trial.folder / "expected.json").read_text())
    bundle = {(k, i, r) for k, i, r in expected["records"]}
    database = trial.folder / "kecamatan" / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(database)}
    present = record_keys(database, {i for _k, i, _r in bundle})
    ctx, failure = next_start(trial.folder / "kecamatan")
    verdicts[NEXT_START] = failure
    if ctx is None:
        return verdicts
    try:
        with ctx.db.session() as session:  # type: ignore[attr-defined]
            in_ledger = session.get(BundleLedger, expected["content_hash"]) is not None
        blobs = ctx.blobs  # type: ignore[attr-defined]
        if in_ledger:
            lost = bundle - present
            conn = sqlite3.connect(database)
            try:
                shas = [s for (s,) in conn.execute("SELECT sha256 FROM attachment") if s]
            finally:
                conn.close()
            no_file = [s for s in shas if not blobs.path_for(s).is_file()]
            verdicts[ALL_OR_NOTHING] = (
                f"recorded as imported but {len(lost)} rows missing"
                if lost
                else f"attachment files missing: {no_file}"
                if no_file
                else None
            )
        else:
            verdicts[ALL_OR_NOTHING] = (
                f"not recorded as imported but {len(present)} of its rows are there"
                if present
                else None
            )
        receipts = trial.folder / "kecamatan" / RECEIPTS_FOLDER
        broken = [
            p.name
            for p in (_final_files(receipts) if receipts.is_dir() else [])
            if not _looks_like_pdf(p)
        ]
        verdicts[FINAL_NAMES_VERIFY] = (
            f"receipts that are not whole PDFs: {broken}" if broken else None
        )
    finally:
        _close(ctx)
    return verdicts


def _looks_like_pdf(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


# --- backup -------------------------------------------------------------------------------------


def prepare_backup(folder: Path, shared: Path) -> None:
    shutil.copytree(shared / "desa", folder / "desa")
    (folder / "expected.json").write_text(
        json.dumps(sorted(record_keys(folder / "desa" / "smartcity.sqlite")))
    )


def backup_command(trial: Trial) -> list[str]:
    return ["--data-dir", str(trial.folder / "desa"), "backup"]


def check_backup(trial: Trial) -> Verdicts:
    expected = {(k, i, r) for k, i, r in json.loads((trial.folder / "expected.json").read_text())}
    office = trial.folder / "desa"
    verdicts: Verdicts = {INTEGRITY: integrity(office / "smartcity.sqlite")}
    backups = [p for p in _final_files(office / "backups") if p.suffix == ".sqlite"]
    problems = []
    for backup in backups:
        broken = integrity(backup)
        if broken:
            problems.append(broken)
        elif record_keys(backup) != expected:
            problems.append(f"{backup.name}: not the office's data")
    verdicts[FINAL_NAMES_VERIFY] = "; ".join(problems) or None
    verdicts[ALL_OR_NOTHING] = (
        None
        if record_keys(office / "smartcity.sqlite") == expected
        else ("the office's own data changed")
    )
    ctx, verdicts[NEXT_START] = next_start(office)
    _close(ctx)
    return verdicts


# --- migration ----------------------------------------------------------------------------------


def schema(database: Path) -> tuple[str | None, list[tuple[str, str, str]]]:
    """The Alembic revision and every table, index and trigger definition."""
    conn = sqlite3.connect(database)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        objects = conn.execute(
            "SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    return (revision[0] if revision else None), [tuple(o) for o in objects]


def prepare_migration(folder: Path, shared: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from smartcity_desktop.storage import migrations

    shutil.copytree(shared / "desa", folder / "desa")
    database = folder / "desa" / "smartcity.sqlite"
    head = schema(database)
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            cfg = migrations.alembic_config()
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, OLD_REVISION)
    finally:
        engine.dispose()
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    old = schema(database)
    (folder / "expected.json").write_text(
        json.dumps(
            {
                "old": old,
                "head": head,
                "records": sorted(record_keys(database)),
            }
        )
    )


def migration_command(trial: Trial) -> list[str]:
    return ["--data-dir", str(trial.folder / "desa"), "stats"]


def check_migration(trial: Trial) -> Verdicts:
    expected = json.loads((trial.folder / "expected.json").read_text())
    office = trial.folder / "desa"
    database = office / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(database)}
    found = json.loads(json.dumps(schema(database)))
    records = {(k, i, r) for k, i, r in expected["records"]}
    if found not in (expected["old"], expected["head"]):
        names = {o[1] for o in found[1]}
        verdicts[ALL_OR_NOTHING] = f"revision {found[0]}, a schema between: {sorted(names)[:8]}"
    elif record_keys(database) != records:
        verdicts[ALL_OR_NOTHING] = "records changed by the migration"
    else:
        verdicts[ALL_OR_NOTHING] = None
    backups = [p for p in _final_files(office / "backups") if p.suffix == ".sqlite"]
    problems = [b for b in (integrity(p) for p in backups) if b]
    problems += [f"{p.name}: not the office's data" for p in backups if record_keys(p) != records]
    verdicts[FINAL_NAMES_VERIFY] = "; ".join(problems) or None
    ctx, verdicts[NEXT_START] = next_start(office)
    _close(ctx)
    if verdicts[NEXT_START] is None and schema(database)[0] != expected["head"][0]:
        verdicts[NEXT_START] = "the next start did not finish the migration"
    return verdicts


OPERATIONS = (
    Operation("export", prepare_export, export_command, check_export),
    Operation("import", prepare_import, import_command, check_import),
    Operation("backup", prepare_backup, backup_command, check_backup),
    Operation("migration", prepare_migration, migration_command, check_migration),
)


def preload() -> None:
    """Import what the operations use before forking, so that a trial pays for its work only."""
    import alembic.command  # noqa: F401

    import smartcity_desktop.cli.cmd_bundles
    import smartcity_desktop.cli.cmd_office
    import smartcity_desktop.cli.cmd_records
    import smartcity_desktop.cli.main
    import smartcity_desktop.cli.support
    import smartcity_desktop.services.backups
    import smartcity_desktop.services.exchange
    import smartcity_desktop.services.receipts
    import smartcity_desktop.services.stats  # noqa: F401
