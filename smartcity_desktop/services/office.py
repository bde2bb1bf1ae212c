"""Setting up an office in a data folder, and unlocking its key.

Initialisation builds the whole database under a temporary name and renames it into place only when
everything succeeded, so a refused or interrupted ``init`` leaves the folder as it was.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartcity_desktop.crypto.keys import SigningKey, check_passphrase, needs_reseal, unseal
from smartcity_desktop.domain import regions as domain_regions
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import LANGUAGES, _
from smartcity_desktop.services.context import AppContext, ensure_writable_folder, utc_now
from smartcity_desktop.services.regions import bundled_regions, store_regions
from smartcity_desktop.storage.database import Database, inspect_database
from smartcity_desktop.storage.errors import translate_os_error
from smartcity_desktop.storage.location import DatabaseLocation, resolve_location
from smartcity_desktop.storage.models import OfficeIdentity, OfficeKey, Setting, TrustStore
from smartcity_desktop.storage.paths import DataPaths

log = logging.getLogger(__name__)

SELF_CERTIFICATE_DAYS = 3650
ROLE_LABELS = {"desa": "Desa/Kelurahan", "kecamatan": "Kecamatan", "kabupaten": "Kabupaten"}


class InitError(UserError):
    code = "init.refused"


@dataclass(frozen=True)
class InitResult:
    office_code: str
    office_name: str
    role: str
    key_id: str
    fingerprint: str
    root_fingerprint: str | None


def level_words(level: str) -> str:
    """A region level as people say it ("desa/kelurahan"), not its internal name."""
    return {
        "provinsi": _("provinsi"),
        "kabupaten_kota": _("kabupaten/kota"),
        "kecamatan": _("kecamatan"),
        "desa_kelurahan": _("desa/kelurahan"),
    }.get(level, level)


def find_office_region(
    regions: list[domain_regions.Region], role: str, code: str
) -> domain_regions.Region:
    if role not in domain_regions.ROLES:
        raise InitError(
            _("Peran '{role}' tidak dikenal: pilih desa, kecamatan atau kabupaten.").format(
                role=role
            ),
            code="init.unknown_role",
        )
    region = next((r for r in regions if r.code == code), None)
    if region is None:
        raise InitError(
            _(
                "Kode wilayah '{code}' tidak ada dalam daftar wilayah Kepmendagri. Periksa kodenya, "
                "misalnya 32.16.01.2001 untuk sebuah desa."
            ).format(code=code),
            code="init.unknown_office",
        )
    expected = domain_regions.level_for_role(role)
    if region.level != expected:
        raise InitError(
            _(
                "Kode {code} ({name}) adalah tingkat {level}, bukan tingkat yang sesuai untuk peran "
                "{role}."
            ).format(
                code=code,
                name=region.name,
                level=level_words(region.level),
                role=role,
            ),
            code="init.wrong_level",
        )
    return region


def is_initialised(paths: DataPaths, database_url: str | None = None) -> bool:
    location = resolve_location(paths, database_url)
    if location.is_sqlite:
        if not paths.database.exists():
            return False
        inspect_database(paths.database, paths.backups)
    db = Database.open_location(location, paths.backups, create=not location.is_sqlite)
    try:
        with db.session() as session:
            return session.scalar(select(OfficeIdentity.id)) is not None
    finally:
        db.close()


def init_office(
    paths: DataPaths,
    *,
    role: str,
    office_code: str,
    operator: str,
    passphrase: str,
    language: str = "id",
    root_key_document: bytes | None = None,
    database_url: str | None = None,
) -> InitResult:
    """Set up an office. ``root_key_document`` (the regency's root public key file) is installed
    in the same step, so the office trusts its regency from the start (``init --root-key``).
    The database is where ``storage.location`` says (``database_url``: ``--database-url``)."""
    operator = operator.strip()
    if not operator:
        raise InitError(_("Nama operator wajib diisi."), code="init.operator_missing")
    if language not in LANGUAGES:
        raise InitError(f"language {language!r}")
    check_passphrase(passphrase)
    location = resolve_location(paths, database_url)
    if not location.is_sqlite:
        check_server_role(role, location.describe())
        return _init_on_server(
            paths,
            location,
            role=role,
            office_code=office_code,
            operator=operator,
            passphrase=passphrase,
            language=language,
            root_key_document=root_key_document,
        )
    if paths.database.exists():
        raise InitError(
            _(
                "Folder data {folder} sudah berisi kantor. Tidak ada yang diubah; gunakan folder lain "
                "untuk kantor baru."
            ).format(folder=paths.root),
            code="init.already",
        )
    new = _NewOffice.prepare(paths, role, office_code, root_key_document)
    tmp_path = paths.database.with_name(paths.database.name + ".init")
    for leftover in (tmp_path, *(tmp_path.with_name(tmp_path.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    db: Database | None = None
    try:
        db = Database.open(tmp_path, paths.backups, create=True)
        with db.transaction() as session:
            new.write(session, operator=operator, passphrase=passphrase, language=language)
        db.close()
        db = None
        if paths.database.exists():  # another process won the race
            raise InitError(
                _("Folder data {folder} sudah berisi kantor.").format(folder=paths.root),
                code="init.already",
            )
        tmp_path.replace(paths.database)
    except OSError as exc:
        raise (translate_os_error(exc, paths.root) or exc) from exc
    finally:
        if db is not None:
            db.close()
        for leftover in (
            tmp_path,
            *(tmp_path.with_name(tmp_path.name + s) for s in ("-wal", "-shm")),
        ):
            leftover.unlink(missing_ok=True)
    return new.finish(paths, where=str(paths.database))


@dataclass(frozen=True)
class _NewOffice:
    """What a new office is made of before it is written: its region, its keys and the root it
    trusts. The same whether the database is a SQLite file or a server."""

    region: domain_regions.Region
    regions: list[domain_regions.Region]
    role: str
    office_key: SigningKey
    root_key: SigningKey | None
    trusted_root: tuple[bytes, str] | None

    @classmethod
    def prepare(
        cls, paths: DataPaths, role: str, office_code: str, root_key_document: bytes | None
    ) -> _NewOffice:
        regions = bundled_regions()
        region = find_office_region(regions, role, office_code)
        trusted_root = _check_root_document(root_key_document, role, region.code)
        ensure_writable_folder(paths.root)
        return cls(
            region=region,
            regions=regions,
            role=role,
            office_key=SigningKey.generate(),
            root_key=SigningKey.generate() if role == "kabupaten" else None,
            trusted_root=trusted_root,
        )

    def write(self, session: Session, *, operator: str, passphrase: str, language: str) -> None:
        _write_office(
            session,
            self.region,
            role=self.role,
            operator=operator,
            passphrase=passphrase,
            language=language,
            office_key=self.office_key,
            root_key=self.root_key,
            trusted_root=self.trusted_root,
            regions=self.regions,
            now=utc_now(),
        )

    def finish(self, paths: DataPaths, *, where: str) -> InitResult:
        for folder in (paths.attachments, paths.backups, paths.logs, paths.exports):
            folder.mkdir(parents=True, exist_ok=True)
        log.info(
            "office initialised: %s (%s) on %s, key %s",
            self.region.code,
            self.role,
            where,
            self.office_key.public.key_id,
        )
        root = self.root_key
        return InitResult(
            office_code=self.region.code,
            office_name=self.region.display_name,
            role=self.role,
            key_id=self.office_key.public.key_id,
            fingerprint=self.office_key.public.fingerprint,
            root_fingerprint=(
                root.public.fingerprint
                if root
                else (self.trusted_root[1] if self.trusted_root else None)
            ),
        )


def _write_office(
    session: Session,
    region: domain_regions.Region,
    *,
    role: str,
    operator: str,
    passphrase: str,
    language: str,
    office_key: SigningKey,
    root_key: SigningKey | None,
    trusted_root: tuple[bytes, str] | None,
    regions: list[domain_regions.Region],
    now: datetime,
) -> None:
    session.add(
        OfficeIdentity(
            id=1,
            code=region.code,
            role=role,
            name=region.display_name,
            operator=operator,
            created_at=now,
        )
    )
    session.add(
        OfficeKey(
            key_id=office_key.public.key_id,
            purpose="office",
            public_key=office_key.public.raw,
            sealed_private_key=office_key.seal(passphrase),
            created_at=now,
        )
    )
    if root_key is not None:
        session.add(
            OfficeKey(
                key_id=root_key.public.key_id,
                purpose="root",
                public_key=root_key.public.raw,
                sealed_private_key=root_key.seal(passphrase),
                created_at=now,
            )
        )
        session.flush()
        _set_up_regency_trust(session, region, operator, office_key, root_key, now)
    session.add(Setting(key="language", value=language))
    if trusted_root is not None:
        session.add(TrustStore(id=1, document=trusted_root[0], updated_at=now))
    store_regions(session, regions, source=domain_regions.REGION_SOURCE)


def check_server_role(role: str, where: str) -> None:
    """Only a kecamatan or kabupaten may keep its data on a server; a desa stays on its PC."""
    if role == "desa":
        raise InitError(
            _(
                "Kantor desa/kelurahan menyimpan datanya di komputer ini (SQLite), bukan di server "
                "PostgreSQL ({where}). Hapus --database-url, SMARTCITY_DATABASE_URL atau berkas "
                "database.json di folder data untuk kantor ini."
            ).format(where=where),
            code="storage.postgres_desa",
        )


def _init_on_server(
    paths: DataPaths,
    location: DatabaseLocation,
    *,
    role: str,
    office_code: str,
    operator: str,
    passphrase: str,
    language: str,
    root_key_document: bytes | None,
) -> InitResult:
    """``init_office`` into an empty PostgreSQL database: migrated and filled in one transaction
    each; an office already there is refused and left as it was."""
    new = _NewOffice.prepare(paths, role, office_code, root_key_document)
    db = Database.open_location(location, paths.backups, create=True)
    try:
        with db.transaction() as session:
            if session.scalar(select(OfficeIdentity.id)) is not None:
                raise InitError(
                    _(
                        "Basis data {where} sudah berisi kantor. Tidak ada yang diubah; gunakan "
                        "basis data lain untuk kantor baru."
                    ).format(where=location.describe()),
                    code="init.already",
                )
            new.write(session, operator=operator, passphrase=passphrase, language=language)
    finally:
        db.close()
    return new.finish(paths, where=location.describe())


def _check_root_document(
    document: bytes | None, role: str, office_code: str
) -> tuple[bytes, str] | None:
    """Validate a root key file given at init; returns (trust state to store, fingerprint)."""
    if document is None:
        return None
    from smartcity_desktop.crypto.certificates import RootKey
    from smartcity_desktop.crypto.offices import regency_of
    from smartcity_desktop.crypto.problems import ProblemError
    from smartcity_desktop.crypto.trust import TrustState

    if role == "kabupaten":
        raise InitError(
            _(
                "Kantor kabupaten membuat kunci induknya sendiri; --root-key hanya untuk desa dan "
                "kecamatan."
            ),
            code="init.root_for_kabupaten",
        )
    try:
        root = RootKey.from_bytes(document)
    except ProblemError as exc:
        raise InitError(exc.problem.message, code=exc.problem.code) from exc
    if root.regency_code != regency_of(office_code):
        raise InitError(
            _(
                "Kunci induk ini milik wilayah {other}, bukan {own}. Minta berkas kunci induk dari "
                "kabupaten Anda sendiri."
            ).format(other=root.regency_code, own=regency_of(office_code)),
            code="trust.root_other_regency",
        )
    return TrustState().with_root(root).to_bytes(), root.fingerprint


def _set_up_regency_trust(
    session: Session,
    region: domain_regions.Region,
    operator: str,
    office_key: SigningKey,
    root_key: SigningKey,
    now: datetime,
) -> None:
    """A kabupaten trusts its own root and certifies its own office key from the start."""
    from smartcity_desktop.crypto.certificates import CertificationRequest, RootKey, certify
    from smartcity_desktop.crypto.trust import TrustState

    root = RootKey.create(root_key, region.code)
    request = CertificationRequest.create(office_key, region.code, "kabupaten", operator)
    certificate = certify(request, root_key, SELF_CERTIFICATE_DAYS, regency_code=region.code)
    office_row = session.get(OfficeKey, office_key.public.key_id)
    assert office_row is not None
    office_row.certificate = json.dumps(certificate.to_dict())
    session.add(TrustStore(id=1, document=TrustState().with_root(root).to_bytes(), updated_at=now))


def active_key_row(ctx: AppContext, purpose: str = "office") -> OfficeKey:
    with ctx.db.session() as session:
        row = session.scalars(
            select(OfficeKey)
            .where(OfficeKey.purpose == purpose, OfficeKey.retired_at.is_(None))
            .order_by(OfficeKey.created_at.desc())
        ).first()
    if row is None:
        raise UserError(
            _("Kantor ini tidak memiliki kunci {purpose} yang aktif.").format(purpose=purpose),
            code="keys.missing",
        )
    return row


def office_fingerprint(ctx: AppContext) -> str:
    from smartcity_desktop.crypto.keys import fingerprint

    return fingerprint(active_key_row(ctx).public_key)


def unlock_key(ctx: AppContext, passphrase: str, purpose: str = "office") -> SigningKey:
    """Decrypt this office's active key; raises WrongPassphraseError with a clear message.

    A key sealed with an older, cheaper scrypt cost is sealed again with today's on the first
    unlock that proves the passphrase (see ``crypto.keys``).
    """
    row = active_key_row(ctx, purpose)
    signing = unseal(row.sealed_private_key, passphrase)
    if needs_reseal(row.sealed_private_key):
        _reseal(ctx, row.key_id, row.sealed_private_key, signing, passphrase)
    return signing


def _reseal(
    ctx: AppContext, key_id: str, old_sealed: bytes, signing: SigningKey, passphrase: str
) -> None:
    """Replace the sealed record in one transaction, only if it is still the one just opened
    (another process may have re-sealed it meanwhile). Failing to write (a read-only folder, a
    full disk) does not stop the work that needed the key: the next unlock tries again."""
    resealed = signing.seal(passphrase)
    try:
        with ctx.db.transaction() as session:
            current = session.get(OfficeKey, key_id)
            if current is not None and current.sealed_private_key == old_sealed:
                current.sealed_private_key = resealed
    except (UserError, OSError) as exc:
        log.warning("key %s not re-sealed with the new scrypt cost: %s", key_id, exc)
    else:
        log.info("key %s re-sealed with the current scrypt cost", key_id)
