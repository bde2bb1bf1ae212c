from __future__ import annotations

from pathlib import Path

import pytest

from smartcity_desktop.domain.regions import RegionFileError
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.regions import (
    get_region,
    list_regions,
    load_region_file,
    region_source,
)
from smartcity_desktop.services.settings import get_settings, update_settings

pytestmark = pytest.mark.postgres_ready

NEWER = """kode,nama,tingkat,jenis,kode_induk
32,Jawa Barat,provinsi,,
32.16,Kabupaten Bekasi,kabupaten_kota,kabupaten,32
32.16.01,Tarumajaya,kecamatan,,32.16
32.16.01.2001,Sagara Makmur Baru,desa_kelurahan,desa,32.16.01
"""


def test_the_office_sees_bekasi_regions(desa_ctx: AppContext) -> None:
    kecamatan = list_regions(desa_ctx, "32.16")
    assert len(kecamatan) == 23 and kecamatan[0].name == "Tarumajaya"
    assert len(list_regions(desa_ctx)) == 38
    assert "Kepmendagri" in region_source(desa_ctx)


def test_a_newer_list_replaces_the_old_one(desa_ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "wilayah-2027.csv"
    path.write_text(NEWER, encoding="utf-8")
    load_region_file(desa_ctx, path)
    region = get_region(desa_ctx, "32.16.01.2001")
    assert region is not None and region.name == "Sagara Makmur Baru"
    assert region_source(desa_ctx) == "wilayah-2027.csv"


def test_a_bad_list_changes_nothing(desa_ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "rusak.csv"
    path.write_text(NEWER + "32.16.99.2001,Hantu,desa_kelurahan,desa,32.16.99\n", encoding="utf-8")
    with pytest.raises(RegionFileError) as err:
        load_region_file(desa_ctx, path)
    assert "Baris 6" in str(err.value)
    assert len(list_regions(desa_ctx, "32.16")) == 23


def test_a_list_without_this_office_is_refused(desa_ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "lain.csv"
    path.write_text(NEWER.replace("32.16.01.2001", "32.16.01.2002"), encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_region_file(desa_ctx, path)
    assert err.value.code == "regions.office_missing"


def test_settings_are_stored_with_defaults(desa_ctx: AppContext) -> None:
    assert get_settings(desa_ctx)["kepala_desa_name"] == ""
    update_settings(desa_ctx, {"kepala_desa_name": " H. Ahmad Fauzi ", "language": "en"})
    settings = get_settings(desa_ctx)
    assert settings["kepala_desa_name"] == "H. Ahmad Fauzi" and settings["language"] == "en"
    with pytest.raises(KeyError):
        update_settings(desa_ctx, {"warna": "merah"})
    with pytest.raises(ValueError):
        update_settings(desa_ctx, {"language": "jv"})
