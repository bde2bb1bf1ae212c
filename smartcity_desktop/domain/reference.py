"""Reference lists (dimensions, sectors, funding sources...) loaded from ``resources/reference``.

Screens, validation, reports and sample data all read these lists; none of them hard-codes a label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from smartcity_desktop.i18n import current_language
from smartcity_desktop.resource_files import read_text

LIST_NAMES = (
    "dimensions",
    "urusan",
    "bidang_desa",
    "sumber_dana",
    "pola_pelaksanaan",
    "pentahelix",
    "jenis_potensi",
    "tingkat_keparahan",
    "sumber_informasi",
    "skala",
    "quick_win",
    "satuan_terdampak",
    "alasan_review",
    "tingkat_pengalihan",
)


@dataclass(frozen=True)
class RefItem:
    code: str
    label_id: str
    label_en: str
    children: tuple[RefItem, ...] = ()

    def label(self, language: str | None = None) -> str:
        return self.label_en if (language or current_language()) == "en" else self.label_id


@dataclass(frozen=True)
class RefList:
    name: str
    source: str
    items: tuple[RefItem, ...]
    # The items are a scale (light to severe, village to regency...): lists sort by position,
    # never by label.
    ordered: bool = False

    def __post_init__(self) -> None:
        # Looked up hundreds of thousands of times (validation, lists, reports): index once.
        object.__setattr__(self, "_by_code", {item.code: item for item in self.items})
        object.__setattr__(self, "_position", {item.code: n for n, item in enumerate(self.items)})

    def get(self, code: str | None) -> RefItem | None:
        if code is None:
            return None
        by_code: dict[str, RefItem] = self.__dict__["_by_code"]
        return by_code.get(code)

    def position(self, code: str | None) -> int:
        """The item's place in the list; unknown codes after every known one."""
        positions: dict[str, int] = self.__dict__["_position"]
        return positions.get(code or "", len(positions))

    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def label(self, code: str | None, language: str | None = None) -> str:
        item = self.get(code)
        return item.label(language) if item else (code or "")


def _item(raw: dict[str, object]) -> RefItem:
    children = raw.get("sub_elements") or []
    assert isinstance(children, list)
    return RefItem(
        code=str(raw["code"]),
        label_id=str(raw["id"]),
        label_en=str(raw["en"]),
        children=tuple(_item(c) for c in children),
    )


@cache
def ref_list(name: str) -> RefList:
    if name not in LIST_NAMES:
        raise KeyError(name)
    raw = json.loads(read_text("reference", f"{name}.json"))
    return RefList(
        name=name,
        source=str(raw.get("source", "")),
        items=tuple(_item(i) for i in raw["items"]),
        ordered=bool(raw.get("ordered", False)),
    )


def sub_elements(dimension: str | None) -> tuple[RefItem, ...]:
    item = ref_list("dimensions").get(dimension)
    return item.children if item else ()
