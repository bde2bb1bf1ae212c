"""Office codes, roles and who may speak for whom. Pure functions, no data files.

Region codes follow the Kemendagri pattern: ``32.16`` (kabupaten), ``32.16.01`` (kecamatan),
``32.16.01.2001`` (desa/kelurahan). The parent of a code is its prefix.
"""

from __future__ import annotations

import re
from typing import Final

DESA: Final = "desa"
KECAMATAN: Final = "kecamatan"
KABUPATEN: Final = "kabupaten"
ROLES: Final = (DESA, KECAMATAN, KABUPATEN)

_CODE = re.compile(r"\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?")
_ROLE_BY_SEGMENTS: Final = {2: KABUPATEN, 3: KECAMATAN, 4: DESA}


def is_office_code(code: object) -> bool:
    return isinstance(code, str) and _CODE.fullmatch(code) is not None


def role_of_code(code: str) -> str:
    """The role an office code implies; raises ValueError for a malformed code."""
    if not is_office_code(code):
        raise ValueError(f"not an office code: {code!r}")
    return _ROLE_BY_SEGMENTS[code.count(".") + 1]


def parent_code(code: str) -> str | None:
    role_of_code(code)
    return code.rsplit(".", 1)[0] if code.count(".") >= 2 else None


def regency_of(code: str) -> str:
    role_of_code(code)
    return ".".join(code.split(".")[:2])


def is_within(code: str, ancestor: str) -> bool:
    """True when ``code`` is ``ancestor`` or lies below it."""
    return code == ancestor or code.startswith(ancestor + ".")


def code_matches_role(code: object, role: object) -> bool:
    return is_office_code(code) and role in ROLES and role_of_code(str(code)) == role


def may_speak_for(sender_code: str, sender_role: str, record_office: str) -> bool:
    """Whether a bundle signed by ``sender_code`` may carry rows of ``record_office`` as its own.

    Every office owns the rows it created and only those (see architecture.md): a desa, a kecamatan
    and the kabupaten each speak for themselves alone. A village's rows reach the regency through
    a kecamatan only inside the village's own signed bundle, forwarded unchanged (``may_forward``).
    """
    return code_matches_role(sender_code, sender_role) and record_office == sender_code


def may_forward(
    forwarder_code: str, forwarder_role: str, original_code: str, original_role: str
) -> bool:
    """Whether a bundle of ``forwarder_code`` may embed an original bundle of ``original_code``.

    A kecamatan forwards the original bundles of the villages below it. Nobody else forwards: the
    kabupaten is the end of the line, and a desa has nobody below it.
    """
    if not (
        code_matches_role(forwarder_code, forwarder_role)
        and code_matches_role(original_code, original_role)
    ):
        return False
    return (
        forwarder_role == KECAMATAN
        and original_role == DESA
        and parent_code(original_code) == forwarder_code
    )
