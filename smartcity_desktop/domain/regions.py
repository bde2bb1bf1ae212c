"""Indonesian administrative regions (Kepmendagri codes) and the rules that tie roles to levels.

Codes: ``32`` province, ``32.16`` kabupaten/kota, ``32.16.01`` kecamatan, ``32.16.01.2001``
desa/kelurahan (1xxx kelurahan, 2xxx desa). A parent's code is always its child's prefix.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import N_, _

LEVELS = ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")
ROLES = ("desa", "kecamatan", "kabupaten")
ROLE_LEVEL = {"desa": "desa_kelurahan", "kecamatan": "kecamatan", "kabupaten": "kabupaten_kota"}
ROLE_LABELS = {
    "desa": N_("Desa/Kelurahan"),
    "kecamatan": N_("Kecamatan"),
    "kabupaten": N_("Kabupaten/Kota"),
}
KINDS_BY_LEVEL = {
    "provinsi": {""},
    "kabupaten_kota": {"kabupaten", "kota"},
    "kecamatan": {""},
    "desa_kelurahan": {"desa", "kelurahan", "desa_adat"},
}
_CODE_PATTERNS = {
    "provinsi": re.compile(r"\d{2}"),
    "kabupaten_kota": re.compile(r"\d{2}\.\d{2}"),
    "kecamatan": re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    "desa_kelurahan": re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}
CSV_COLUMNS = ("kode", "nama", "tingkat", "jenis", "kode_induk")


class RegionFileError(UserError):
    code = "regions.invalid_file"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None

    @property
    def display_name(self) -> str:
        prefix = {
            "kabupaten": "",
            "kota": "",
            "kelurahan": "Kelurahan ",
            "desa": "Desa ",
            "desa_adat": "Desa Adat ",
        }.get(self.kind, "")
        if self.level == "kecamatan":
            prefix = "Kecamatan "
        return prefix + self.name


def level_of_code(code: str) -> str | None:
    for level, pattern in _CODE_PATTERNS.items():
        if pattern.fullmatch(code):
            return level
    return None


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def level_for_role(role: str) -> str:
    return ROLE_LEVEL[role]


def role_label(role: str | None) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else (role or "")


def parse_region_csv(data: bytes) -> list[Region]:
    """Parse and validate a region list; raise RegionFileError naming the first bad line.

    Accepts plain or gzip-compressed UTF-8 CSV with the columns ``kode,nama,tingkat,jenis,kode_induk``.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise RegionFileError(_("Berkas daftar wilayah terkompresi tetapi rusak.")) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegionFileError(_("Berkas daftar wilayah bukan teks UTF-8.")) from exc
    return list(_validated(csv.reader(io.StringIO(text, newline=""))))


def _validated(rows: Iterable[list[str]]) -> Iterator[Region]:
    seen: dict[str, str] = {}
    header_checked = False
    for line_no, row in enumerate(rows, start=1):
        if not header_checked:
            header_checked = True
            if tuple(c.strip().lower() for c in row) != CSV_COLUMNS:
                raise RegionFileError(
                    _("Baris 1: kolom harus {expected}.").format(expected=",".join(CSV_COLUMNS))
                )
            continue
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise RegionFileError(
                _("Baris {line}: harus ada {n} kolom, ditemukan {found}.").format(
                    line=line_no, n=len(CSV_COLUMNS), found=len(row)
                )
            )
        code, name, level, kind, parent = (c.strip() for c in row)
        if level not in LEVELS:
            raise RegionFileError(
                _("Baris {line}: tingkat '{level}' tidak dikenal.").format(
                    line=line_no, level=level
                )
            )
        if level_of_code(code) != level:
            raise RegionFileError(
                _("Baris {line}: kode '{code}' tidak sesuai format tingkat {level}.").format(
                    line=line_no, code=code, level=level
                )
            )
        if not name:
            raise RegionFileError(_("Baris {line}: nama wilayah kosong.").format(line=line_no))
        if kind not in KINDS_BY_LEVEL[level]:
            raise RegionFileError(
                _("Baris {line}: jenis '{kind}' tidak cocok untuk tingkat {level}.").format(
                    line=line_no, kind=kind, level=level
                )
            )
        if code in seen:
            raise RegionFileError(
                _("Baris {line}: kode '{code}' muncul dua kali.").format(line=line_no, code=code)
            )
        expected_parent = parent_of(code)
        if (parent or None) != expected_parent:
            raise RegionFileError(
                _("Baris {line}: kode induk '{parent}' tidak cocok dengan kode '{code}'.").format(
                    line=line_no, parent=parent, code=code
                )
            )
        if expected_parent is not None and expected_parent not in seen:
            raise RegionFileError(
                _("Baris {line}: wilayah induk '{parent}' belum tercantum di atasnya.").format(
                    line=line_no, parent=expected_parent
                )
            )
        seen[code] = level
        yield Region(code, name, level, kind, expected_parent)
    if not header_checked:
        raise RegionFileError(_("Berkas daftar wilayah kosong."))
    if not seen:
        raise RegionFileError(_("Berkas daftar wilayah tidak berisi satu wilayah pun."))


def bundled_region_csv() -> bytes:
    from smartcity_desktop.resource_files import read_bytes

    return read_bytes("regions", "wilayah-indonesia.csv.gz")


REGION_SOURCE = (
    "Kepmendagri No. 300.2.2-2138 Tahun 2025, diubah dengan Kepmendagri No. 300.2.2-2430 Tahun 2025"
)
