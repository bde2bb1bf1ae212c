"""Indonesian administrative regions (Kepmendagri codes) and the rules that tie roles to levels.

Codes: ``32`` province, ``32.16`` kabupaten/kota, ``32.16.01`` kecamatan, ``32.16.01.2001``
desa/kelurahan (1xxx kelurahan, 2xxx desa). A parent's code is always its child's prefix.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

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


# Caps for a region file: the national list is 91,600 lines, 4.9 MB unpacked, its longest line 88
# characters. A file far beyond these is not a region list, and reading it must not exhaust memory
# (a few MB of gzip can unpack to gigabytes on one line).
MAX_FILE_BYTES = 64 << 20  # on disk, and again once unpacked
MAX_LINE_CHARS = 1024
MAX_NAME_CHARS = 200  # the width of the stored column
MAX_CODE_CHARS = 20


def parse_region_csv(data: bytes) -> list[Region]:
    """Parse and validate a region list held in memory (the bundled one); see ``read_regions``."""
    return list(read_regions(io.BytesIO(data)))


def read_regions(stream: BinaryIO) -> Iterator[Region]:
    """Parse and validate a region list as it is read; raise RegionFileError naming the first bad
    line. Memory stays small whatever the file holds: lines, fields and the whole file are capped.

    Accepts plain or gzip-compressed UTF-8 CSV with the columns ``kode,nama,tingkat,jenis,kode_induk``.
    """
    raw = io.BufferedReader(_Capped(stream, _too_big_message))
    if raw.peek(2)[:2] == b"\x1f\x8b":
        raw = io.BufferedReader(_Capped(gzip.GzipFile(fileobj=raw, mode="rb"), _too_big_message))
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    lines = _Lines(text)
    try:
        yield from _validated(csv.reader(lines), lines)
    except UnicodeDecodeError as exc:
        raise RegionFileError(_("Berkas daftar wilayah bukan teks UTF-8.")) from exc
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise RegionFileError(_("Berkas daftar wilayah terkompresi tetapi rusak.")) from exc
    except csv.Error as exc:
        # Only a quoted field running over many lines gets here (each line is capped): say so
        # instead of showing the csv module's English.
        raise RegionFileError(
            _(
                "Baris {line}: format CSV tidak sah (tanda kutip tidak ditutup atau kolom terlalu "
                "panjang). Periksa berkasnya; daftar tidak dimuat."
            ).format(line=lines.number)
        ) from exc


def _too_big_message() -> str:
    return _(
        "Berkas daftar wilayah lebih besar dari {mb} MB (setelah dibuka kompresinya): itu bukan "
        "daftar wilayah Kepmendagri. Daftar tidak dimuat."
    ).format(mb=MAX_FILE_BYTES >> 20)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Capped(io.RawIOBase):
    """A read-only stream that refuses to deliver more than MAX_FILE_BYTES."""

    def __init__(self, inner: _Readable, message: Callable[[], str]) -> None:
        self._inner = inner
        self._message = message
        self._delivered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._inner.read(min(len(view), MAX_FILE_BYTES + 1 - self._delivered))
        self._delivered += len(data)
        if self._delivered > MAX_FILE_BYTES:
            raise RegionFileError(self._message())
        view[: len(data)] = data
        return len(data)


class _Lines:
    """The file's lines for the csv reader, each refused beyond MAX_LINE_CHARS before it is
    held whole in memory."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._text = text
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(MAX_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise RegionFileError(
                _(
                    "Baris {line} lebih panjang dari {n} karakter: itu bukan baris daftar wilayah. "
                    "Periksa berkasnya; daftar tidak dimuat."
                ).format(line=self.number, n=MAX_LINE_CHARS)
            )
        return line


def _validated(rows: Iterable[list[str]], lines: _Lines) -> Iterator[Region]:
    seen: set[str] = set()
    header_checked = False
    for row in rows:
        line_no = lines.number
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
        if len(name) > MAX_NAME_CHARS or any(len(c) > MAX_CODE_CHARS for c in (code, parent)):
            raise RegionFileError(
                _(
                    "Baris {line}: kolom terlalu panjang (nama paling banyak {n} karakter, kode "
                    "{m} karakter)."
                ).format(line=line_no, n=MAX_NAME_CHARS, m=MAX_CODE_CHARS)
            )
        if any(ch in c for c in row for ch in "\r\n"):
            raise RegionFileError(
                _("Baris {line}: sebuah kolom berisi pindah baris.").format(line=line_no)
            )
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
        seen.add(code)
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
