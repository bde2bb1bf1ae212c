"""The sealed-key format: scrypt at OWASP's cost or more, parameters stored and authenticated,
older and tampered records told apart."""

from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from smartcity_desktop.crypto import keys
from smartcity_desktop.crypto.keys import (
    BadKeyFileError,
    SigningKey,
    WrongPassphraseError,
    unseal,
)


def needs_reseal(sealed: bytes) -> bool:
    return bool(keys.needs_reseal(sealed))  # type: ignore[attr-defined,unused-ignore]


PASSPHRASE = "kata-sandi-uji-2026"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def legacy_seal(key: SigningKey, passphrase: str, n: int = 2**15) -> bytes:
    """A record exactly as the first format wrote it (N=2^15, parameters not authenticated)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    derived = Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode())
    raw = key._private.private_bytes_raw()
    aad = b"smartcity-sealed-key-v1\x00" + key.public.raw
    doc = {
        "format": "smartcity-sealed-key-v1",
        "kdf": {"name": "scrypt", "n": n, "r": 8, "p": 1, "salt": b64(salt)},
        "cipher": "chacha20-poly1305",
        "nonce": b64(nonce),
        "public_key": b64(key.public.raw),
        "ciphertext": b64(ChaCha20Poly1305(derived).encrypt(nonce, raw, aad)),
    }
    return json.dumps(doc, sort_keys=True).encode()


def edited(sealed: bytes, **kdf: object) -> bytes:
    doc = json.loads(sealed)
    doc["kdf"].update(kdf)
    return json.dumps(doc).encode()


@pytest.fixture(scope="module")
def sealed_key() -> tuple[SigningKey, bytes]:
    # One seal for the module: each costs a full scrypt derivation.
    key = SigningKey.generate()
    return key, key.seal(PASSPHRASE)


def test_a_new_seal_stores_owasps_cost_or_more(sealed_key: tuple[SigningKey, bytes]) -> None:
    key, sealed = sealed_key
    kdf = json.loads(sealed)["kdf"]
    assert kdf["name"] == "scrypt"
    assert kdf["n"] >= 2**17 and kdf["r"] >= 8 and kdf["p"] >= 1 and kdf["length"] == 32
    assert len(base64.b64decode(kdf["salt"])) == 16
    assert unseal(sealed, PASSPHRASE).public == key.public
    assert not needs_reseal(sealed)


@pytest.mark.parametrize("n", [2, 2**10, 2**15, 2**16])
def test_a_record_with_a_lowered_cost_is_refused(
    n: int, sealed_key: tuple[SigningKey, bytes]
) -> None:
    _key, sealed = sealed_key
    with pytest.raises(BadKeyFileError, match="rusak"):
        unseal(edited(sealed, n=n), PASSPHRASE)


@pytest.mark.parametrize(
    "kdf",
    [
        {"r": 1},
        {"p": 0},
        {"n": 2**17 + 1},  # not a power of two
        {"n": 2**24},  # 2 GiB of memory for one unlock
        {"n": "131072"},
        {"n": True},
        {"length": 16},
        {"name": "pbkdf2"},
    ],
)
def test_a_record_with_impossible_parameters_is_refused(
    kdf: dict[str, object], sealed_key: tuple[SigningKey, bytes]
) -> None:
    _key, sealed = sealed_key
    with pytest.raises(BadKeyFileError):
        unseal(edited(sealed, **kdf), PASSPHRASE)


def test_the_parameters_are_authenticated(sealed_key: tuple[SigningKey, bytes]) -> None:
    """Raising N in the record (still acceptable) changes the derived key and the associated
    data: it does not open."""
    _key, sealed = sealed_key
    with pytest.raises(WrongPassphraseError):
        unseal(edited(sealed, n=2**18), PASSPHRASE)


def test_a_first_format_record_opens_and_asks_to_be_sealed_again() -> None:
    key = SigningKey.generate()
    sealed = legacy_seal(key, PASSPHRASE)
    assert unseal(sealed, PASSPHRASE).public == key.public
    assert needs_reseal(sealed)
    with pytest.raises(WrongPassphraseError):
        unseal(sealed, "kata-sandi-lain-2026")


def test_a_first_format_record_with_a_lowered_cost_is_refused() -> None:
    key = SigningKey.generate()
    with pytest.raises(BadKeyFileError):
        unseal(legacy_seal(key, PASSPHRASE, n=2), PASSPHRASE)
    with pytest.raises(BadKeyFileError):
        unseal(edited(legacy_seal(key, PASSPHRASE), n=2**10), PASSPHRASE)


def test_sealing_below_the_minimum_is_impossible() -> None:
    with pytest.raises(ValueError):
        SigningKey.generate().seal(PASSPHRASE, keys.ScryptParams(keys.MIN_SCRYPT_N // 2, 8, 1))
