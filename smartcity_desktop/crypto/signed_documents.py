"""The envelope shared by every signed JSON file: ``{"body": {...}, "signature": {...}}``.

The signed message is a context line followed by the canonical bytes of the body (DSSE style), so a
signature made for one kind of document can never be replayed as another kind.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from smartcity_desktop.crypto.canonical_json import StrictJsonError, canonical_bytes, loads_strict
from smartcity_desktop.crypto.keys import PublicKey, SigningKey

MAX_DOCUMENT_BYTES = 1 << 20


def signed_message(context: bytes, body: dict[str, Any]) -> bytes:
    return context + canonical_bytes(body)


def envelope(context: bytes, body: dict[str, Any], signer: SigningKey) -> dict[str, Any]:
    signature = signer.sign(signed_message(context, body))
    return {
        "body": body,
        "signature": {"key_id": signer.public.key_id, "value": b64encode(signature)},
    }


def open_envelope(data: bytes | dict[str, Any]) -> tuple[dict[str, Any], str, bytes]:
    """Split an envelope into ``(body, signer key id, signature)``; ValueError when malformed."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValueError("document too large")
        try:
            doc = loads_strict(bytes(data))
        except StrictJsonError as exc:
            raise ValueError(str(exc)) from None
    else:
        doc = data
    if not isinstance(doc, dict) or set(doc) != {"body", "signature"}:
        raise ValueError("not a signed document")
    body, sig = doc["body"], doc["signature"]
    if not isinstance(body, dict) or not isinstance(sig, dict) or set(sig) != {"key_id", "value"}:
        raise ValueError("not a signed document")
    key_id, value = sig["key_id"], sig["value"]
    if not isinstance(key_id, str) or not isinstance(value, str):
        raise ValueError("bad signature fields")
    signature = b64decode(value)
    if len(signature) != 64:
        raise ValueError("bad signature length")
    return body, key_id, signature


def verify_envelope(context: bytes, body: dict[str, Any], signature: bytes, key: PublicKey) -> bool:
    try:
        message = signed_message(context, body)
    except ValueError:
        return False
    return key.verify(signature, message)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("bad base64") from exc


def public_key_from(text: object) -> PublicKey:
    raw = b64decode(text)
    if len(raw) != 32:
        raise ValueError("public key must be 32 bytes")
    return PublicKey(raw)
