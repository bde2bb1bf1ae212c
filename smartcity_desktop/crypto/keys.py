"""Ed25519 office keys, passphrase encryption at rest, key ids and fingerprints.

The private key is never stored in clear: it is sealed with ChaCha20-Poly1305 under a key derived
from the office passphrase by scrypt. The public key and the scrypt parameters are bound into the
seal as associated data, so a sealed key cannot be swapped for another office's, nor its cost
lowered, without the unlock failing.

Sealed records carry their scrypt parameters. A record is refused when they are below the minimum
(a lowered cost makes guessing the passphrase from a stolen database cheap) or above the maximum (an
unlock must not need more memory than an office PC has). Records of the first format, sealed with
N=2^15 before the minimum was raised, are still opened, and ``needs_reseal`` tells the caller to
seal them again with today's parameters.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass

# Only Ed25519 at the top: checking a signature (``smartcity verify``) needs nothing else, and the
# cipher, KDF and serialization modules cost more to import than the check itself. Sealing and
# unsealing a private key import theirs when they run.
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from smartcity_desktop.crypto.passphrase import MIN_PASSPHRASE_LENGTH
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

SEAL_FORMAT = "smartcity-sealed-key-v2"
# The first format: N=2^15, r=8, p=1 always, and no parameters in the associated data.
LEGACY_SEAL_FORMAT = "smartcity-sealed-key-v1"
LEGACY_SCRYPT = (2**15, 8, 1)

# scrypt cost: N=2^17 with r=8 is OWASP's minimum for scrypt; 128 MiB and about 0.4 s on a modest
# PC, once per unlock. It slows guessing a stolen database's passphrase without annoying the user.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32
# A record asking for less is refused: its cost was lowered by someone, not by this program.
MIN_SCRYPT_N = 2**17
MIN_SCRYPT_R = 8
MIN_SCRYPT_P = 1
# Nor may a record ask an office PC for more than this memory (128 * N * r bytes) or work.
MAX_SCRYPT_MEMORY = 1 << 30
MAX_SCRYPT_P = 16


@dataclass(frozen=True)
class ScryptParams:
    n: int
    r: int
    p: int
    length: int = KEY_LENGTH

    @property
    def memory(self) -> int:
        return 128 * self.n * self.r

    def acceptable(self) -> bool:
        return (
            self.n >= MIN_SCRYPT_N
            and self.n & (self.n - 1) == 0
            and self.r >= MIN_SCRYPT_R
            and MIN_SCRYPT_P <= self.p <= MAX_SCRYPT_P
            and self.memory <= MAX_SCRYPT_MEMORY
            and self.length == KEY_LENGTH
        )


CURRENT_SCRYPT = ScryptParams(SCRYPT_N, SCRYPT_R, SCRYPT_P)


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
        self.public = PublicKey(private.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def seal(self, passphrase: str, params: ScryptParams = CURRENT_SCRYPT) -> bytes:
        """Encrypt the private key with ``passphrase``; returns a JSON document as bytes."""
        check_passphrase(passphrase)
        if not params.acceptable():
            raise ValueError(f"scrypt parameters below the minimum: {params}")
        salt = os.urandom(16)
        nonce = os.urandom(12)
        kdf = {
            "name": "scrypt",
            "n": params.n,
            "r": params.r,
            "p": params.p,
            "length": params.length,
            "salt": _b64(salt),
        }
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        key = _derive(passphrase, salt, params)
        raw = self._private.private_bytes_raw()
        ciphertext = ChaCha20Poly1305(key).encrypt(nonce, raw, _aad(self.public.raw, kdf))
        doc = {
            "format": SEAL_FORMAT,
            "kdf": kdf,
            "cipher": "chacha20-poly1305",
            "nonce": _b64(nonce),
            "public_key": _b64(self.public.raw),
            "ciphertext": _b64(ciphertext),
        }
        return json.dumps(doc, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class _Sealed:
    format: str
    kdf: dict[str, object]
    params: ScryptParams
    salt: bytes
    nonce: bytes
    public_raw: bytes
    ciphertext: bytes

    @property
    def aad(self) -> bytes:
        if self.format == LEGACY_SEAL_FORMAT:
            return LEGACY_SEAL_FORMAT.encode("ascii") + b"\x00" + self.public_raw
        return _aad(self.public_raw, self.kdf)


def _parse(sealed: bytes) -> _Sealed:
    """The sealed record's fields; BadKeyFileError when it is damaged or its cost unacceptable."""
    try:
        doc = json.loads(sealed.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("cipher", "chacha20-poly1305") != (
            "chacha20-poly1305"
        ):
            raise ValueError("cipher")
        kdf = doc["kdf"]
        if not isinstance(kdf, dict) or kdf.get("name", "scrypt") != "scrypt":
            raise ValueError("kdf")
        params = ScryptParams(
            _int(kdf["n"]), _int(kdf["r"]), _int(kdf["p"]), _int(kdf.get("length", KEY_LENGTH))
        )
        parsed = _Sealed(
            format=str(doc.get("format")),
            kdf=kdf,
            params=params,
            salt=_unb64(kdf["salt"]),
            nonce=_unb64(doc["nonce"]),
            public_raw=_unb64(doc["public_key"]),
            ciphertext=_unb64(doc["ciphertext"]),
        )
        if parsed.format == LEGACY_SEAL_FORMAT:
            # The first format always wrote these; anything else in such a record is tampering.
            if (params.n, params.r, params.p, params.length) != (*LEGACY_SCRYPT, KEY_LENGTH):
                raise ValueError("kdf parameters")
        elif parsed.format != SEAL_FORMAT:
            raise ValueError("format")
        elif not params.acceptable():
            raise ValueError("kdf parameters")
        if len(parsed.salt) < 16 or len(parsed.nonce) != 12:
            raise ValueError("salt or nonce")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as exc:
        raise BadKeyFileError(
            _("Berkas kunci kantor rusak atau bukan kunci SmartCity. Pulihkan dari cadangan.")
        ) from exc
    return parsed


def needs_reseal(sealed: bytes) -> bool:
    """Whether a record that unlocks should be sealed again with today's parameters."""
    parsed = _parse(sealed)
    return parsed.format != SEAL_FORMAT or parsed.params != CURRENT_SCRYPT


def unseal(sealed: bytes, passphrase: str) -> SigningKey:
    """Decrypt a sealed key; raises WrongPassphraseError or BadKeyFileError."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    parsed = _parse(sealed)
    key = _derive(passphrase, parsed.salt, parsed.params)
    try:
        raw = ChaCha20Poly1305(key).decrypt(parsed.nonce, parsed.ciphertext, parsed.aad)
    except InvalidTag as exc:
        raise WrongPassphraseError(
            _(
                "Kata sandi salah. Periksa huruf besar/kecil dan tata letak papan ketik, "
                "lalu coba lagi."
            )
        ) from exc
    signing = SigningKey(Ed25519PrivateKey.from_private_bytes(raw))
    if signing.public.raw != parsed.public_raw:
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


def _derive(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=params.length, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def _aad(public_raw: bytes, kdf: dict[str, object]) -> bytes:
    # The parameters are authenticated too: a record whose cost was edited does not open.
    params = json.dumps(kdf, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return SEAL_FORMAT.encode("ascii") + b"\x00" + public_raw + b"\x00" + params


def _int(value: object) -> int:
    if type(value) is not int:  # not a bool, a float or a string
        raise ValueError("not an integer")
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
