"""Ed25519 office keys, passphrase encryption at rest, key ids and fingerprints.

The private key is never stored in clear: it is sealed with ChaCha20-Poly1305 under a key derived
from the office passphrase by scrypt. The public key is bound into the seal as associated data, so a
sealed key cannot be swapped for another office's without the unlock failing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from smartcity_desktop.crypto.passphrase import MIN_PASSPHRASE_LENGTH
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

SEAL_FORMAT = "smartcity-sealed-key-v1"
# scrypt cost: about 0.1 s and 32 MiB on a modest PC; slows guessing without annoying the user.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


class KeyProblem(UserError):
    """Base for key problems that a user can act on; ``str()`` is a translated message."""


class WrongPassphraseError(KeyProblem):
    pass


class WeakPassphraseError(KeyProblem):
    pass


class BadKeyFileError(KeyProblem):
    pass


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise BadKeyFileError(_("Kunci publik tidak valid: panjangnya harus 32 bita."))

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class SigningKey:
    """An unlocked private key. Keep it only as long as the signing work needs it."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.public = PublicKey(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def seal(self, passphrase: str) -> bytes:
        """Encrypt the private key with ``passphrase``; returns a JSON document as bytes."""
        check_passphrase(passphrase)
        salt = os.urandom(16)
        nonce = os.urandom(12)
        key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        raw = self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        ciphertext = ChaCha20Poly1305(key).encrypt(nonce, raw, _aad(self.public.raw))
        doc = {
            "format": SEAL_FORMAT,
            "kdf": {
                "name": "scrypt",
                "n": SCRYPT_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
                "salt": _b64(salt),
            },
            "cipher": "chacha20-poly1305",
            "nonce": _b64(nonce),
            "public_key": _b64(self.public.raw),
            "ciphertext": _b64(ciphertext),
        }
        return json.dumps(doc, sort_keys=True).encode("utf-8")


def unseal(sealed: bytes, passphrase: str) -> SigningKey:
    """Decrypt a sealed key; raises WrongPassphraseError or BadKeyFileError."""
    try:
        doc = json.loads(sealed.decode("utf-8"))
        if doc.get("format") != SEAL_FORMAT:
            raise ValueError("format")
        kdf = doc["kdf"]
        salt = _unb64(kdf["salt"])
        nonce = _unb64(doc["nonce"])
        public_raw = _unb64(doc["public_key"])
        ciphertext = _unb64(doc["ciphertext"])
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("kdf parameters")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BadKeyFileError(
            _("Berkas kunci kantor rusak atau bukan kunci SmartCity. Pulihkan dari cadangan.")
        ) from exc
    key = _derive(passphrase, salt, n, r, p)
    try:
        raw = ChaCha20Poly1305(key).decrypt(nonce, ciphertext, _aad(public_raw))
    except InvalidTag as exc:
        raise WrongPassphraseError(
            _(
                "Kata sandi salah. Periksa huruf besar/kecil dan tata letak papan ketik, "
                "lalu coba lagi."
            )
        ) from exc
    signing = SigningKey(Ed25519PrivateKey.from_private_bytes(raw))
    if signing.public.raw != public_raw:
        raise BadKeyFileError(_("Berkas kunci kantor tidak cocok dengan kunci publiknya."))
    return signing


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphraseError(
            _("Kata sandi terlalu pendek: minimal {n} karakter.").format(n=MIN_PASSPHRASE_LENGTH)
        )


def key_id(public_raw: bytes) -> str:
    """A short stable id for a public key (16 hex digits)."""
    return hashlib.sha256(b"smartcity-key-id\x00" + public_raw).hexdigest()[:16]


def fingerprint(public_raw: bytes) -> str:
    """160 bits of SHA-256 as 8 groups of 4 base32 letters: easy to read aloud over the phone."""
    digest = hashlib.sha256(public_raw).digest()[:20]
    text = base64.b32encode(digest).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with spaces, dashes or lower case; ValueError if malformed."""
    compact = re.sub(r"[\s\-:]", "", text).upper()
    if not re.fullmatch(r"[A-Z2-7]{32}", compact):
        raise ValueError(
            _(
                "Sidik jari kunci tidak valid: harus 32 huruf/angka (A-Z, 2-7), "
                "misalnya ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567."
            )
        )
    return "-".join(compact[i : i + 4] for i in range(0, 32, 4))


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(public_raw: bytes) -> bytes:
    return SEAL_FORMAT.encode("ascii") + b"\x00" + public_raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
