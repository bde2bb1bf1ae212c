"""The PostgreSQL password of an office's database, kept in the operating system's credential store.

The URL in ``database.json`` never holds a password. The password is kept by ``keyring`` in Windows
Credential Manager, the macOS Keychain or the Secret Service of a Linux desktop, under the service
name below and the account ``user@host:port/dbname``. Where no such store exists (a Linux machine
without a desktop keyring), nothing is kept: the app says so and the password is asked again, or
libpq finds it itself in ``PGPASSWORD`` or the pgpass file that the administrator may set up
(docs/postgresql.md, "Kata sandi"). No home-made encryption: a key stored beside the secret would
protect nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

log = logging.getLogger(__name__)

SERVICE = "SmartCity Desktop PostgreSQL"
DEFAULT_PORT = 5432


class SecretStoreError(UserError):
    code = "db.secret_store"


def parse_url(url: str | URL) -> URL:
    """A PostgreSQL URL as SQLAlchemy reads it; a clear refusal for anything else."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError as exc:
        raise UserError(
            _(
                "Alamat basis data '{url}' tidak dapat dibaca. Contoh yang benar: "
                "postgresql+psycopg://pengguna@server:5432/nama_basis_data"
            ).format(url=url),
            code="db.bad_url",
        ) from exc
    if parsed.get_backend_name() != "postgresql":
        raise UserError(
            _(
                "Alamat basis data '{url}' bukan alamat PostgreSQL. Contoh yang benar: "
                "postgresql+psycopg://pengguna@server:5432/nama_basis_data"
            ).format(url=parsed.render_as_string(hide_password=True)),
            code="db.not_postgresql",
        )
    if not parsed.username or not parsed.database:
        raise UserError(
            _(
                "Alamat basis data '{url}' harus menyebut nama pengguna dan nama basis data, "
                "misalnya postgresql+psycopg://pengguna@server:5432/nama_basis_data"
            ).format(url=parsed.render_as_string(hide_password=True)),
            code="db.incomplete_url",
        )
    return parsed


def credential_key(url: str | URL) -> str:
    """``user@host:port/dbname``: the account name under which the password is kept."""
    parsed = parse_url(url)
    host = parsed.host or "localhost"
    port = parsed.port or DEFAULT_PORT
    return f"{parsed.username}@{host}:{port}/{parsed.database}"


# keyring's own line between a store it recommends and a fallback: the OS stores rank 5 (Windows
# Credential Manager, macOS Keychain, Secret Service), a plain-text file (keyrings.alt) 0.5, none 0.
MIN_PRIORITY = 1


def store_available() -> bool:
    """Whether this PC has a credential store that can keep a password safely: the store that
    keyring would write to is one it recommends. A plain-text file store that happens to be
    installed does not count; the password would then lie in a file in the clear."""
    import keyring
    from keyring.backends import chainer

    try:
        backend: Any = keyring.get_keyring()
        if isinstance(backend, chainer.ChainerBackend):
            # A chain writes to its first store.
            chained = list(chainer.ChainerBackend.backends)
            backend = chained[0] if chained else None
        return backend is not None and float(backend.priority) >= MIN_PRIORITY
    except Exception:  # a broken keyring configuration: no store, not a crash
        log.warning("keyring backend unavailable", exc_info=True)
        return False


def store_name() -> str:
    """The credential store's own name, for the status lines."""
    import keyring

    backend = keyring.get_keyring()
    return str(getattr(backend, "name", type(backend).__name__))


def _no_store() -> SecretStoreError:
    return SecretStoreError(
        _(
            "Kata sandi basis data tidak dapat disimpan di PC ini: tidak ada tempat penyimpanan "
            "kata sandi sistem (Windows Credential Manager, macOS Keychain atau Secret Service). "
            "Kata sandi akan ditanyakan setiap kali aplikasi dibuka, atau minta pengelola server "
            "menyiapkan berkas pgpass (lihat docs/postgresql.md)."
        ),
        code="db.no_secret_store",
    )


def require_store() -> None:
    if not store_available():
        raise _no_store()


def _store_failed(exc: Exception) -> SecretStoreError:
    return SecretStoreError(
        _(
            "Tempat penyimpanan kata sandi sistem menolak permintaan ({reason}). Buka kunci "
            "penyimpanan kata sandi (keyring) lalu ulangi."
        ).format(reason=exc),
        code="db.secret_store_failed",
    )


def save_password(url: str | URL, password: str) -> None:
    """Keep the password for ``url``'s user, server and database (replacing any kept before)."""
    if not password:
        raise UserError(
            _("Kata sandi basis data kosong; tidak ada yang disimpan."), code="db.empty"
        )
    key = credential_key(url)
    require_store()
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, key, password)
    except KeyringError as exc:
        raise _store_failed(exc) from exc
    log.info("database password kept for %s", key)


def stored_password(url: str | URL) -> str | None:
    """The kept password for ``url``, or None (nothing kept, or no store on this PC)."""
    key = credential_key(url)
    if not store_available():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, key)
    except KeyringError:  # a locked store: as if nothing were kept, the password is asked
        log.warning("keyring refused to read the password for %s", key, exc_info=True)
        return None


def forget_password(url: str | URL) -> bool:
    """Remove the kept password; False when none was kept."""
    key = credential_key(url)
    if not store_available():
        return False
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, key)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise _store_failed(exc) from exc
    log.info("database password forgotten for %s", key)
    return True


# Passwords typed at start on a PC that cannot keep them: in this process's memory only, for
# this run, never written anywhere.
_this_run: dict[str, str] = {}
# Typed with "Simpan kata sandi di PC ini": kept once the server has accepted it, so that a
# mistyped password never replaces a good one in the store.
_keep_when_accepted: set[str] = set()


def use_for_this_run(url: str | URL, password: str, *, keep: bool = False) -> None:
    """Connect to ``url`` with ``password`` until the app ends (it was typed at start)."""
    key = credential_key(url)
    _this_run[key] = password
    if keep:
        _keep_when_accepted.add(key)
    else:
        _keep_when_accepted.discard(key)


def forget_for_this_run(url: str | URL) -> None:
    key = credential_key(url)
    _this_run.pop(key, None)
    _keep_when_accepted.discard(key)


def accepted(url: str | URL) -> bool:
    """The server accepted the password typed for ``url``: keep it if the user asked to. True when
    it was kept now."""
    key = credential_key(url)
    if key not in _keep_when_accepted or key not in _this_run:
        return False
    _keep_when_accepted.discard(key)
    save_password(url, _this_run[key])
    return True


def password_for(url: str | URL) -> str | None:
    """The password to connect with: the one written in the URL itself (given on the command line
    or in the environment, never saved), else one typed at start for this run, else the kept one,
    else None, and libpq then looks in ``PGPASSWORD`` and the pgpass file on its own."""
    parsed = parse_url(url)
    if parsed.password:
        return str(parsed.password)
    typed = _this_run.get(credential_key(parsed))
    if typed is not None:
        return typed
    return stored_password(parsed)


def with_password(url: str | URL, password: str | None) -> URL:
    """``url`` with ``password`` set (for connecting only: never written anywhere)."""
    parsed = parse_url(url)
    return parsed.set(password=password) if password else parsed


def without_password(url: str | URL) -> str:
    """The URL as it may be shown or saved: the password left out, not masked."""
    parsed = parse_url(url)
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False)
