from __future__ import annotations

import gzip

import pytest

from smartcity_desktop.domain.regions import (
    RegionFileError,
    bundled_region_csv,
    level_of_code,
    parse_region_csv,
)

HEADER = "kode,nama,tingkat,jenis,kode_induk\n"
GOOD = HEADER + (
    "32,Jawa Barat,provinsi,,\n"
    "32.16,Kabupaten Bekasi,kabupaten_kota,kabupaten,32\n"
    "32.16.01,Tarumajaya,kecamatan,,32.16\n"
    "32.16.01.2001,Sagara Makmur,desa_kelurahan,desa,32.16.01\n"
)


def test_the_bundled_list_holds_all_of_bekasi_and_indonesia() -> None:
    regions = parse_region_csv(bundled_region_csv())
    by_level: dict[str, int] = {}
    for r in regions:
        by_level[r.level] = by_level.get(r.level, 0) + 1
    assert by_level == {
        "provinsi": 38,
        "kabupaten_kota": 514,
        "kecamatan": 7285,
        "desa_kelurahan": 83762,
    }
    bekasi = [r for r in regions if r.code.startswith("32.16.")]
    assert sum(r.level == "kecamatan" for r in bekasi) == 23
    villages = [r for r in bekasi if r.level == "desa_kelurahan"]
    assert len(villages) == 187
    assert sum(r.kind == "kelurahan" for r in villages) == 8


def test_a_good_file_parses_plain_or_gzipped() -> None:
    assert [r.code for r in parse_region_csv(GOOD.encode())] == [
        "32",
        "32.16",
        "32.16.01",
        "32.16.01.2001",
    ]
    assert len(parse_region_csv(gzip.compress(GOOD.encode()))) == 4


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("kode,nama\n32,Jawa Barat\n", 1, "kolom"),
        (HEADER + "32,Jawa Barat,provinsi,,\n32.1,X,kabupaten_kota,kabupaten,32\n", 3, "format"),
        (HEADER + "32,Jawa Barat,provinsi,,\n32.16.01,Tarumajaya,kecamatan,,32.16\n", 3, "induk"),
        (HEADER + "32,Jawa Barat,provinsi,,\n32,Jawa Barat,provinsi,,\n", 3, "dua kali"),
        (HEADER + "32,Jawa Barat,kota,,\n", 2, "tingkat"),
        (HEADER + "32,,provinsi,,\n", 2, "nama"),
        (HEADER + "32,Jawa Barat,provinsi,,\n32.16,Bekasi,kabupaten_kota,desa,32\n", 3, "jenis"),
        (HEADER + "32,Jawa Barat,provinsi,\n", 2, "kolom"),
    ],
)
def test_a_malformed_file_names_the_first_bad_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(RegionFileError) as err:
        parse_region_csv(text.encode())
    assert f"Baris {line}" in str(err.value)
    assert fragment in str(err.value)


def test_non_utf8_empty_and_broken_gzip_files_are_refused() -> None:
    for data in (b"\xff\xfe\x00k", b"", HEADER.encode(), b"\x1f\x8b garbage"):
        with pytest.raises(RegionFileError):
            parse_region_csv(data)


def test_levels_follow_the_code_shape() -> None:
    assert level_of_code("32") == "provinsi"
    assert level_of_code("32.16") == "kabupaten_kota"
    assert level_of_code("32.16.01") == "kecamatan"
    assert level_of_code("32.16.01.2001") == "desa_kelurahan"
    assert level_of_code("32.16.1") is None


# A region file is hostile input like any other: caps on line, field and (unpacked) file size.


def _gzip_members(*parts: tuple[bytes, int]) -> bytes:
    """A gzip file made of concatenated members, each ``data`` repeated ``count`` times: a huge
    unpacked size from a small, quickly made file."""
    out = bytearray()
    for data, count in parts:
        member = gzip.compress(data, compresslevel=9)
        out += member * count
    return bytes(out)


def test_a_field_over_128_kib_gets_a_clear_message_not_a_csv_error() -> None:
    text = HEADER + "32,Jawa Barat,provinsi,,\n" + "32.16," + "B" * (200 << 10) + ",x,y,32\n"
    with pytest.raises(RegionFileError) as err:
        parse_region_csv(text.encode())
    assert "Baris 3" in str(err.value) and "1024 karakter" in str(err.value)


def test_a_quoted_field_running_over_many_lines_gets_a_clear_message() -> None:
    text = HEADER + '32,"Jawa Barat' + ("\n" + "B" * 1000) * 200 + '",provinsi,,\n'
    with pytest.raises(RegionFileError) as err:
        parse_region_csv(text.encode())
    assert "format CSV tidak sah" in str(err.value)


def test_a_name_longer_than_the_stored_column_is_refused() -> None:
    text = HEADER + "32," + "J" * 201 + ",provinsi,,\n"
    with pytest.raises(RegionFileError) as err:
        parse_region_csv(text.encode())
    assert "Baris 2" in str(err.value) and "terlalu panjang" in str(err.value)


def test_a_name_with_a_line_break_is_refused() -> None:
    text = HEADER + '32,"Jawa\nBarat",provinsi,,\n'
    with pytest.raises(RegionFileError, match="pindah baris"):
        parse_region_csv(text.encode())


def test_a_small_gzip_of_one_huge_line_is_refused_early() -> None:
    bomb = _gzip_members((HEADER.encode() + b"32,", 1), (b"a" * (1 << 20), 1024))
    assert len(bomb) < 5 << 20  # 1 GiB of one line, unpacked
    with pytest.raises(RegionFileError) as err:
        parse_region_csv(bomb)
    assert "Baris 2" in str(err.value)


def test_a_gzip_unpacking_beyond_the_file_cap_is_refused() -> None:
    blank_line = b" " * 1000 + b"\n"
    blank_lines = _gzip_members((HEADER.encode(), 1), (blank_line * 1024, 80 * 1024))
    with pytest.raises(RegionFileError, match="64 MB"):
        parse_region_csv(blank_lines)


def test_a_truncated_gzip_is_refused() -> None:
    data = gzip.compress(GOOD.encode() * 50)
    with pytest.raises(RegionFileError, match="rusak"):
        parse_region_csv(data[: len(data) // 2])
