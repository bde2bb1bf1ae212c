"""The operations the crash harness kills, one table entry each, and their invariants.

Adding an operation is one more ``Operation`` in ``OPERATIONS``: a ``prepare`` that builds its small
office once (copy what it needs from the shared templates), the CLI ``command`` of a trial, and a
``check`` returning a verdict per invariant. ``restore`` below is a complete example: it prepares an
office with a backup and a changed (or damaged) database, runs ``restore BACKUP --yes``, and checks
integrity, all or nothing (the database is either the old file or exactly the backup's content,
and the replaced file kept aside is never lost), final names (no stray file, the kept-aside copy
intact), no reused number, and that the next start works.

The chain above the village has three: ``forward`` (a kecamatan's forward bundle; a village bundle
counts as forwarded, and a review as sent, only inside a complete bundle that verifies at the
kabupaten), ``nested-import`` (the kabupaten imports the forward bundle and the village bundle in
it: every ledger entry and row, or none) and ``feedback-import`` (a desa imports its kecamatan's
feedback: the reviews and the revocation list they carry, or neither).
"""

from __future__ import annotations

import hashlib
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
        verdicts[FINAL_NAMES_VERIFY] = broken_receipts(trial.folder / "kecamatan")
    finally:
        _close(ctx)
    return verdicts


def broken_receipts(office: Path) -> str | None:
    from smartcity_desktop.services.receipts import RECEIPTS_FOLDER

    receipts = office / RECEIPTS_FOLDER
    broken = [
        p.name
        for p in (_final_files(receipts) if receipts.is_dir() else [])
        if not _looks_like_pdf(p)
    ]
    return f"receipts that are not whole PDFs: {broken}" if broken else None


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


# --- restore ------------------------------------------------------------------------------------

RESTORE_VARIANTS = ("changed", "damaged")  # trial n restores over the variant n % 2
ASIDE_GLOB = "smartcity-before-restore-*.sqlite"


def content(database: Path) -> str | None:
    """A hash over every row of every table (None when the file cannot be read whole): equal for
    two files that hold the same data, whatever their pages look like."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        for line in conn.iterdump():
            digest.update(line.encode())
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare_restore(folder: Path, shared: Path) -> None:
    """A backup of the village, then more work and a bundle sent after it. One copy of the office
    keeps that newer database intact (and has no bundle-number mark: an office from an older
    version); in the other the newer database is damaged."""
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle
    from smartcity_desktop.services.sample_data import SampleRequest, generate
    from smartcity_desktop.storage import bundle_numbers
    from smartcity_desktop.storage.paths import DataPaths
    from tests.storage_faults import damage_pages

    office = folder / "changed"
    shutil.copytree(shared / "desa", office)
    ctx = open_context(DataPaths(office))
    try:
        backup = ctx.db.backup(ctx.paths.backups)
        generate(ctx, SampleRequest(problems=4, potentials=1, proposals=1, seed=9))
        sent = export_bundle(ctx, PASSPHRASE, folder / "sent.scb", full=True).sequence
    finally:
        ctx.close()
    database = office / "smartcity.sqlite"
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copytree(office, folder / "damaged")
    bundle_numbers.mark_path(office).unlink()
    damage_pages(folder / "damaged" / "smartcity.sqlite")
    expected = {
        "backup": backup.name,
        "backup_content": content(backup),
        "sent": sent,
        "old": {
            "changed": content(database),
            "damaged": file_hash(folder / "damaged" / "smartcity.sqlite"),
        },
        "files": {v: sorted(p.name for p in (folder / v).iterdir()) for v in RESTORE_VARIANTS},
    }
    assert expected["old"]["changed"] != expected["backup_content"]
    (folder / "expected.json").write_text(json.dumps(expected))


def _restore_variant(trial: Trial) -> str:
    return RESTORE_VARIANTS[trial.index % 2]


def restore_command(trial: Trial) -> list[str]:
    expected = json.loads((trial.folder / "expected.json").read_text())
    office = trial.folder / _restore_variant(trial)
    return ["--data-dir", str(office), "restore", expected["backup"], "--yes"]


def check_restore(trial: Trial) -> Verdicts:
    from smartcity_desktop.services.backups import restore_backup
    from smartcity_desktop.services.exchange import export_bundle, export_journal
    from smartcity_desktop.storage import bundle_numbers
    from smartcity_desktop.storage.paths import DataPaths

    expected = json.loads((trial.folder / "expected.json").read_text())
    variant = _restore_variant(trial)
    office = trial.folder / variant
    database = office / "smartcity.sqlite"
    backup = office / "backups" / expected["backup"]
    old = expected["old"][variant]

    # Listed before anything here opens a database (a read creates -wal and -shm beside it).
    finals = _final_files(office)

    def is_old(path: Path) -> bool:
        return (file_hash(path) if variant == "damaged" else content(path)) == old

    restored = content(database) == expected["backup_content"]
    verdicts: Verdicts = {
        INTEGRITY: integrity(database) if restored or variant == "changed" else None,
        ALL_OR_NOTHING: None if restored or is_old(database) else "neither the old nor the backup",
    }
    asides = sorted(office.glob(ASIDE_GLOB))
    problems = [f"{p.name}: not the replaced database" for p in asides if not is_old(p)]
    if restored and not asides:
        problems.append("restored, but the replaced database was not kept")
    allowed = set(expected["files"][variant]) | {"smartcity.sqlite-wal", "smartcity.sqlite-shm"}
    allowed |= {"child.log", bundle_numbers.MARK_NAME}
    stray = [
        p.name
        for p in finals
        if p.name not in allowed and not (p.match(ASIDE_GLOB) or p.match(ASIDE_GLOB + "-wal"))
    ]
    problems += [f"stray file under a final name: {name}" for name in stray]
    if bundle_numbers.highest_taken(office) < expected["sent"] and restored:
        problems.append(f"{bundle_numbers.MARK_NAME} forgot bundle {expected['sent']}")
    if integrity(backup) or content(backup) != expected["backup_content"]:
        problems.append("the backup itself changed")
    verdicts[FINAL_NAMES_VERIFY] = "; ".join(problems) or None

    paths = DataPaths(office)
    if not restored:
        if variant == "changed":  # the old office still opens, as it was
            ctx, failure = next_start(office)
            _close(ctx)
            if failure:
                verdicts[NEXT_START] = f"the old office: {failure}"
                return verdicts
        restore_backup(paths, backup)  # and the restore, run again, completes
        if content(database) != expected["backup_content"]:
            verdicts[ALL_OR_NOTHING] = "the restore run again did not give the backup"
    ctx, failure = next_start(office)
    verdicts.setdefault(NEXT_START, failure)
    if ctx is None:
        return verdicts
    try:
        # The real export (its key unlock alone takes a second) on the uncut runs; the kill trials
        # ask the export's own reservation step which number it would take.
        if trial.index < 0:
            following = trial.folder / "following.scb"
            number = export_bundle(ctx, PASSPHRASE, following, full=True).sequence  # type: ignore[arg-type]
        else:
            number = export_journal.reserve(
                ctx,  # type: ignore[arg-type]
                key_id="harness",
                full=True,
                counts={},
                folder=trial.folder,
            )
        verdicts[NO_REUSED_NUMBER] = (
            None
            if number > expected["sent"]
            else f"after the restore, bundle {number} again (sent: {expected['sent']})"
        )
    finally:
        _close(ctx)
    return verdicts


# --- the chain above the village: forward, nested import, feedback import ----------------------

KABUPATEN_CODE = "32.16"
REVOKED_DESA = "32.16.01.2002"  # a neighbouring village whose key the kabupaten revoked


def _chain(shared: Path) -> Path:
    """Built once per run, on first use: the kecamatan of the shared material with its village's
    bundle imported (kept to forward) and reviewed, certified by a kabupaten that revoked one
    neighbouring village's key (so the kecamatan holds a revocation list to carry down); the desa
    holding the regency's root key; a forward bundle and a feedback bundle written from a copy
    of that kecamatan, for the two imports."""
    chain = shared / "chain"
    if chain.exists():
        return chain
    from smartcity_desktop.crypto.certificates import CertificationRequest
    from smartcity_desktop.crypto.keys import SigningKey
    from smartcity_desktop.domain.fields import RecordKind
    from smartcity_desktop.services import trust
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_bundle, import_files
    from smartcity_desktop.services.exchange.feedback import feedback_bundles
    from smartcity_desktop.services.exchange.forward import forward_bundle
    from smartcity_desktop.services.office import init_office, office_fingerprint
    from smartcity_desktop.services.records import ListFilter, RecordService
    from smartcity_desktop.services.review import Decision, review_records
    from smartcity_desktop.storage.paths import DataPaths

    building = shared / "chain-building"
    shutil.copytree(shared / "desa", building / "desa")
    shutil.copytree(shared / "kecamatan", building / "kecamatan")
    kab_paths = DataPaths(building / "kabupaten")
    init_office(
        kab_paths, role="kabupaten", office_code=KABUPATEN_CODE, operator="Uji",
        passphrase=PASSPHRASE,
    )  # fmt: skip
    _keep_only_this_regency(kab_paths.database)
    files = building / "files"
    files.mkdir()
    desa = open_context(DataPaths(building / "desa"))
    kec = open_context(DataPaths(building / "kecamatan"))
    kab = open_context(kab_paths)
    try:
        sent = export_bundle(desa, PASSPHRASE, files / "desa.scb", full=True)
        assert [r.status for r in import_files(kec, list(sent.paths))] == ["imported"]
        for kind in RecordKind:
            found = RecordService(kec).records(kind, ListFilter(office_code=DESA_CODE))
            if found:
                review_records(kec, [r.id for r in found], Decision("diterima"))
        trust.export_root(kab, files / "root.json")
        trust.add_root(kec, files / "root.json")
        trust.add_root(desa, files / "root.json")
        trust.write_request(kec, PASSPHRASE, files / "kec.req")
        trust.certify_request(kab, PASSPHRASE, files / "kec.req", files / "kec.cert")
        trust.install_certificate(kec, files / "kec.cert")
        neighbour = CertificationRequest.create(SigningKey.generate(), REVOKED_DESA, "desa", "Uji")
        (files / "neighbour.req").write_bytes(neighbour.to_bytes())
        trust.certify_request(kab, PASSPHRASE, files / "neighbour.req", files / "neighbour.cert")
        trust.revoke_office(kab, PASSPHRASE, REVOKED_DESA, files / "revoked.json")
        trust.install_revocations(kec, files / "revoked.json")
        trust.pin_office(kab, DESA_CODE, office_fingerprint(desa))
    finally:
        for ctx in (desa, kec, kab):
            ctx.close()
    # The bundles for the imports come from a copy, so the kecamatan itself still has its
    # village's bundle to forward.
    shutil.copytree(building / "kecamatan", files / "kecamatan-copy")
    copy = open_context(DataPaths(files / "kecamatan-copy"))
    try:
        forward_bundle(copy, PASSPHRASE, building / "forward.scb")
        (files / "down").mkdir()
        [feedback] = feedback_bundles(copy, PASSPHRASE, files / "down")[DESA_CODE].paths
        shutil.copyfile(feedback, building / "feedback.scb")
    finally:
        copy.close()
    shutil.rmtree(files)
    building.rename(chain)
    return chain


def _ledger_hashes(database: Path) -> dict[str, str | None]:
    conn = sqlite3.connect(database)
    try:
        return dict(conn.execute("SELECT content_hash, forwarded_by FROM bundle_ledger"))
    finally:
        conn.close()


def _review_keys(database: Path, office: str) -> set[tuple[str, int, int | None]]:
    conn = sqlite3.connect(database)
    try:
        return set(
            conn.execute(
                "SELECT id, revision, sent_revision FROM review WHERE office_code = ?", (office,)
            )
        )
    finally:
        conn.close()


def _trust_document(database: Path) -> bytes | None:
    conn = sqlite3.connect(database)
    try:
        row = conn.execute("SELECT document FROM trust_store WHERE id = 1").fetchone()
        return None if row is None else bytes(row[0])
    finally:
        conn.close()


# forward: the kecamatan writes its village's original bundle and its reviews into one bundle.


def prepare_forward(folder: Path, shared: Path) -> None:
    shutil.copytree(_chain(shared) / "kecamatan", folder / "kecamatan")
    (folder / "out").mkdir()


def forward_command(trial: Trial) -> list[str]:
    command = ["--data-dir", str(trial.folder / "kecamatan"), "forward"]
    command += ["--out", str(trial.folder / "out" / "teruskan.scb")]
    if trial.index % 2:  # every other trial splits into parts: their renames are a window too
        command += ["--max-part-size", "64K"]
    return command


def check_forward(trial: Trial) -> Verdicts:
    from smartcity_desktop.bundles.parts import assemble_parts
    from smartcity_desktop.bundles.reader import verify_bundle
    from smartcity_desktop.services.context import open_context
    from smartcity_desktop.services.exchange import export_journal, group_inputs, verify_files
    from smartcity_desktop.storage.models import BundleExport
    from smartcity_desktop.storage.paths import DataPaths

    office = trial.folder / "kecamatan"
    database = office / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(database)}
    forwarded = {h for h, by in _ledger_hashes(database).items() if by == KECAMATAN_CODE}
    reviews_sent = {(i, r) for i, r, sent in _review_keys(database, KECAMATAN_CODE) if sent}
    ctx, verdicts[NEXT_START] = next_start(office)
    if ctx is None:
        return verdicts
    receiver = open_context(DataPaths(trial.shared / "chain" / "kabupaten"))
    try:
        with ctx.db.session() as session:  # type: ignore[attr-defined]
            journal = {
                row.sequence: (row.status, json.loads(row.files))
                for row in session.scalars(select(BundleExport))
            }
        carried: set[str] = set()  # kept-file hashes inside complete, verified forward bundles
        carried_reviews: set[tuple[str, int]] = set()
        unverified, unknown = [], []
        verified: dict[int, list[Path]] = {}
        for group in group_inputs(_final_files(trial.folder / "out")):
            report = verify_files(receiver, group)[0]
            if report.status != "verified" or report.sequence is None:
                unverified.append(f"{[p.name for p in group]}: {[f.code for f in report.findings]}")
                continue
            verified[report.sequence] = group
            status, names = journal.get(report.sequence, ("", []))
            if not status:
                unknown.append(report.sequence)
            # A kill after the last rename and before "done" leaves a whole, valid bundle under a
            # number the next start closes as abandoned (as for a village's export): it may be
            # delivered, but nothing in it was marked forwarded or sent, so it is not counted.
            if status != "done" or sorted(names) != sorted(p.name for p in group):
                continue
            path = group[0]
            if len(group) > 1:
                path = assemble_parts(group, Path(tempfile.mkdtemp(dir=trial.folder)))
            result = verify_bundle(path)
            assert result.header is not None
            carried |= set(result.header.forwarded)
            with result.open() as bundle:
                carried_reviews |= {(r["id"], r["revision"]) for r in bundle.iter_records("review")}
        verdicts[FINAL_NAMES_VERIFY] = "; ".join(unverified) or None
        pending = [seq for seq, (status, _n) in journal.items() if status == "pending"]
        incomplete = [
            seq
            for seq, (status, names) in journal.items()
            if status == "done" and sorted(p.name for p in verified.get(seq, [])) != sorted(names)
        ]
        verdicts[ALL_OR_NOTHING] = (
            f"pending after the next start: {pending}"
            if pending
            else f"done without all its files verified: {incomplete}"
            if incomplete
            else f"numbers on files but not in the journal: {unknown}"
            if unknown
            else None
        )
        # a village bundle counts as forwarded only if a complete forward bundle carries it
        lost = [h for h in forwarded if _kept_sha(office, h) not in carried]
        missing_reviews = reviews_sent - carried_reviews
        verdicts[SENT_ONLY_IF_DELIVERED] = (
            f"{len(lost)} village bundles marked forwarded, in no complete forward bundle"
            if lost
            else f"{len(missing_reviews)} reviews marked sent, in no complete bundle"
            if missing_reviews
            else None
        )
        numbers = set(journal)
        following = export_journal.reserve(
            ctx,  # type: ignore[arg-type]
            key_id="harness",
            full=False,
            counts={},
            folder=trial.folder,
        )
        verdicts[NO_REUSED_NUMBER] = (
            f"the next bundle took {following} (taken: {sorted(numbers)})"
            if numbers and following <= max(numbers)
            else None
        )
    finally:
        _close(ctx)
        receiver.close()
    return verdicts


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kept_sha(office: Path, content_hash: str) -> str | None:
    """The SHA-256 of the kept original of a ledger entry (what a forward bundle names)."""
    from smartcity_desktop.services.exchange.kept import kept_path
    from smartcity_desktop.storage.paths import DataPaths

    path = kept_path(DataPaths(office), content_hash)
    return _file_sha256(path) if path.is_file() else None


# nested import: the kabupaten imports the forward bundle and every village bundle inside it.


def prepare_nested_import(folder: Path, shared: Path) -> None:
    from smartcity_desktop.bundles.reader import verify_bundle

    chain = _chain(shared)
    shutil.copytree(chain / "kabupaten", folder / "kabupaten")
    shutil.copyfile(chain / "forward.scb", folder / "teruskan.scb")
    result = verify_bundle(folder / "teruskan.scb")
    village: set[RecordKey] = set()
    for nested in result.forwarded:
        with nested.open() as bundle:
            for kind in bundle.kinds:
                village |= {(kind, r["id"], r["revision"]) for r in bundle.iter_records(kind)}
    expected = {
        "outer": result.content_hash,
        "nested": [n.content_hash for n in result.forwarded],
        "reviews": sum(1 for _ in _bundle_rows(folder / "teruskan.scb", "review")),
        "records": sorted(village),
    }
    assert expected["nested"] and village and expected["reviews"]
    (folder / "expected.json").write_text(json.dumps(expected))


def _bundle_rows(path: Path, kind: str) -> Iterable[dict[str, object]]:
    from smartcity_desktop.bundles.reader import verify_bundle

    with verify_bundle(path).open() as bundle:
        if kind in bundle.kinds:
            yield from bundle.iter_records(kind)


def nested_import_command(trial: Trial) -> list[str]:
    kabupaten = str(trial.folder / "kabupaten")
    return ["--data-dir", kabupaten, "import", str(trial.folder / "teruskan.scb")]


def check_nested_import(trial: Trial) -> Verdicts:
    expected = json.loads((trial.folder / "expected.json").read_text())
    office = trial.folder / "kabupaten"
    database = office / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(database)}
    ledger = _ledger_hashes(database)
    village_rows = {k for k in record_keys(database) if k[0] != "review"}
    reviews = _review_keys(database, KECAMATAN_CODE)
    verdicts[FINAL_NAMES_VERIFY] = broken_receipts(office)
    ctx, verdicts[NEXT_START] = next_start(office)
    _close(ctx)
    wanted = [expected["outer"], *expected["nested"]]
    recorded = [h in ledger for h in wanted]
    if all(recorded):
        wrong = [h for h in expected["nested"] if ledger[h] != KECAMATAN_CODE]
        lost = {(k, i, r) for k, i, r in expected["records"]} - village_rows
        verdicts[ALL_OR_NOTHING] = (
            f"nested bundles not marked as forwarded by the kecamatan: {len(wrong)}"
            if wrong
            else f"recorded as imported but {len(lost)} village rows missing"
            if lost
            else f"{len(reviews)} of {expected['reviews']} kecamatan reviews"
            if len(reviews) != expected["reviews"]
            else None
        )
    else:
        verdicts[ALL_OR_NOTHING] = (
            f"only some of the bundles in the ledger: {recorded}"
            if any(recorded)
            else f"nothing in the ledger but {len(village_rows)} rows and {len(reviews)} reviews"
            if village_rows or reviews
            else None
        )
    return verdicts


# feedback import: a desa takes its kecamatan's reviews and the revocation list they carry.


def prepare_feedback_import(folder: Path, shared: Path) -> None:
    from smartcity_desktop.bundles.reader import verify_bundle

    chain = _chain(shared)
    shutil.copytree(chain / "desa", folder / "desa")
    shutil.copyfile(chain / "feedback.scb", folder / "hasil.scb")
    result = verify_bundle(folder / "hasil.scb")
    assert result.header is not None and "revocation_list" in result.header.extra
    expected = {
        "hash": result.content_hash,
        "reviews": sum(1 for _ in _bundle_rows(folder / "hasil.scb", "review")),
        "trust_before": (_trust_document(folder / "desa" / "smartcity.sqlite") or b"").hex(),
    }
    (folder / "expected.json").write_text(json.dumps(expected))


def feedback_import_command(trial: Trial) -> list[str]:
    return ["--data-dir", str(trial.folder / "desa"), "import", str(trial.folder / "hasil.scb")]


def check_feedback_import(trial: Trial) -> Verdicts:
    from smartcity_desktop.crypto.trust import TrustState

    expected = json.loads((trial.folder / "expected.json").read_text())
    office = trial.folder / "desa"
    database = office / "smartcity.sqlite"
    verdicts: Verdicts = {INTEGRITY: integrity(database)}
    in_ledger = expected["hash"] in _ledger_hashes(database)
    reviews = _review_keys(database, KECAMATAN_CODE)
    document = _trust_document(database) or b""
    installed = bool(document) and any(
        r.regency_code == KABUPATEN_CODE for r in TrustState.from_bytes(document).revocations
    )
    unchanged = document.hex() == expected["trust_before"]
    verdicts[FINAL_NAMES_VERIFY] = broken_receipts(office)
    ctx, verdicts[NEXT_START] = next_start(office)
    _close(ctx)
    if in_ledger:
        verdicts[ALL_OR_NOTHING] = (
            f"recorded as imported with {len(reviews)} of {expected['reviews']} reviews"
            if len(reviews) != expected["reviews"]
            else "recorded as imported without the revocation list it carries"
            if not installed
            else None
        )
    else:
        verdicts[ALL_OR_NOTHING] = (
            f"not recorded as imported but {len(reviews)} reviews are there"
            if reviews
            else "not recorded as imported but the trust state changed"
            if not unchanged
            else None
        )
    return verdicts


OPERATIONS = (
    Operation("export", prepare_export, export_command, check_export),
    Operation("import", prepare_import, import_command, check_import),
    Operation("backup", prepare_backup, backup_command, check_backup),
    Operation("migration", prepare_migration, migration_command, check_migration),
    Operation("restore", prepare_restore, restore_command, check_restore),
    Operation("forward", prepare_forward, forward_command, check_forward, share=0.3),
    Operation(
        "nested-import",
        prepare_nested_import,
        nested_import_command,
        check_nested_import,
        share=0.3,
    ),
    Operation(
        "feedback-import",
        prepare_feedback_import,
        feedback_import_command,
        check_feedback_import,
        share=0.3,
    ),
)


def preload() -> None:
    """Import what the operations use before forking, so that a trial pays for its work only."""
    import alembic.command  # noqa: F401

    import smartcity_desktop.cli.cmd_bundles
    import smartcity_desktop.cli.cmd_forward
    import smartcity_desktop.cli.cmd_office
    import smartcity_desktop.cli.cmd_records
    import smartcity_desktop.cli.main
    import smartcity_desktop.cli.support
    import smartcity_desktop.services.backups
    import smartcity_desktop.services.exchange
    import smartcity_desktop.services.exchange.carried_revocations
    import smartcity_desktop.services.exchange.export
    import smartcity_desktop.services.exchange.feedback
    import smartcity_desktop.services.exchange.forward
    import smartcity_desktop.services.exchange.importer
    import smartcity_desktop.services.receipts
    import smartcity_desktop.services.stats
    import smartcity_desktop.storage.restore  # noqa: F401
