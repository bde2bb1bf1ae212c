"""``analysis VIEW --json`` for the views of the masterplan, on the known set of
tests/services/analysis/views_data.py: what scripts read."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from tests.services.analysis.views_data import ViewsData, views_data, views_template

__all__ = ["views_data", "views_template"]

pytestmark = pytest.mark.postgres_ready

ORDER = [
    "matriks-permasalahan",
    "isu-strategis",
    "keparahan-dampak",
    "potensi-unggulan",
    "biaya-sumber-dana",
    "kesenjangan-masalah-usulan",
    "peta-jalan",
]


def at(data: ViewsData, *args: str) -> list[str]:
    return ["--data-dir", str(data.root / "kabupaten"), *args]


def test_the_views_are_listed_in_the_masterplan_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "analysis", "list", "--json")
    assert code == 0
    names = [v["name"] for v in json.loads(out)]
    assert [n for n in names if n in ORDER] == ORDER
    assert names.count("isu-strategis") == 1


def test_each_view_as_json_with_a_filter(
    views_data: ViewsData, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = {
        # view -> (table, column, the total under --kecamatan 32.16.02: Babelan's c1..d2)
        "keparahan-dampak": ("keparahan", "total", 4),  # c1 c2 c3 d1
        "potensi-unggulan": ("jenis-kecamatan", "total", 6),  # tc1..tc4 td1 td2
        "biaya-sumber-dana": ("jumlah", "total", 4),  # pc1 pc2 pd1 pd2
        "kesenjangan-masalah-usulan": ("masalah-tanpa-usulan", "total", 2),  # c2 c3
        "peta-jalan": ("dimensi", "total", 4),  # pc1 pc2 pd1 pd2
    }
    for name, (table, column, total) in expected.items():
        code, out, err = run(
            capsys, *at(views_data, "analysis", name, "--kecamatan", "32.16.02", "--json")
        )
        assert code == 0, err
        doc = json.loads(out)
        assert doc["view"] == name and doc["filters"]["kecamatan"] == "32.16.02"
        assert doc["notes"], name
        found = next(t for t in doc["tables"] if t["key"] == table)
        assert found["totals"][column] == total, name


def test_isu_strategis_prints_the_keys_that_merge_and_split_take(
    views_data: ViewsData, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *at(views_data, "analysis", "isu-strategis"))
    assert code == 0, err
    # the readable name first; the key that isu-gabung and isu-pisah take, last
    assert "\nIsu\t" in out and "\tKunci isu (untuk gabung/pisah)\n" in out
    assert "\tbanjir, rob, tambak\tproteksi_lingkungan|2.11|banjir+rob\n" in out
    code, out, err = run(
        capsys,
        *at(
            views_data,
            "analysis",
            "isu-gabung",
            "proteksi_lingkungan|2.11|banjir+rob",
            "sampah_limbah|2.11|bantaran+menumpuk",
        ),
    )
    assert code == 0, err
    code, out, err = run(capsys, *at(views_data, "analysis", "isu-strategis", "--json"))
    doc = json.loads(out)
    assert doc["clusters"][0]["record_count"] == 5 and len(doc["decisions"]) == 1
    assert doc["tables"][0]["rows"][0]["catatan"] == 5
