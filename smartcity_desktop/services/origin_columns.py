"""The owning desa's and kecamatan's codes as derived columns of a record list query.

They are cut from the owner's office code in SQL (a desa's code starts with its kecamatan's), so a
list of 50,000 rows needs no join; names are looked up afterwards in a small code-to-name map.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func

DESA_CODE_LENGTH = len("32.16.01.2001")
KECAMATAN_CODE_LENGTH = len("32.16.01")

ORIGIN_DESA = "origin_desa"
ORIGIN_KECAMATAN = "origin_kecamatan"
ORIGIN_COLUMNS = (ORIGIN_DESA, ORIGIN_KECAMATAN)


def origin_expression(model: Any, name: str) -> Any:
    """The SQL for a derived origin column of a record table, labelled ``name``."""
    code = model.office_code
    length = func.length(code)
    if name == ORIGIN_DESA:
        return case((length == DESA_CODE_LENGTH, code), else_=None).label(name)
    if name == ORIGIN_KECAMATAN:
        return case(
            (length >= KECAMATAN_CODE_LENGTH, func.substr(code, 1, KECAMATAN_CODE_LENGTH)),
            else_=None,
        ).label(name)
    raise KeyError(name)
