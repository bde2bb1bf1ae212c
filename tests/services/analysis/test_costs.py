"""Biaya & sumber dana against a hand count of the known set's live proposals (pc3 is deleted):

APBDes:  pa2 living 150 jt, pb2 living 25 jt, pd2 living 40 jt
APBD Kabupaten: pa1 environment 500 jt, pc1 environment 750 jt
APBN:    pb1 environment 1.200 jt          Swadaya: pd1 living 90 jt
CSR:     pa3 branding, no cost             (none): pc2 governance, no cost, no scale
scale desa: pa2 pb2 pd1 pd2; kecamatan: pa3; kabupaten: pa1 pb1 pc1; (none): pc2
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.analysis import AnalysisFilter, view
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.paths import DataPaths
from tests.services.analysis.views_data import (
    A,
    C,
    M,
    ViewsData,
    cell,
    counts_match_their_drills,
    drilled,
    kab,
    views_data,
    views_shared,
    views_template,
)
from tests.services.review_helpers import send

__all__ = ["kab", "views_data", "views_shared", "views_template"]

pytestmark = pytest.mark.postgres_ready


def test_cost_by_funding_source_dimension_and_scale(
    views_shared: ViewsData, kab: AppContext
) -> None:
    result = view("biaya-sumber-dana").compute(kab, AnalysisFilter())
    cost = result.table("biaya")
    assert cell(cost, "APBDes (Dana Desa/ADD)", "living") == 215 * M
    assert cell(cost, "APBD Kabupaten", "environment") == 1250 * M
    assert cell(cost, "APBN", "environment") == 1200 * M
    assert cell(cost, "Swadaya masyarakat", "living") == 90 * M
    assert cell(cost, "CSR/dunia usaha", "total") == 0
    assert cell(cost, "APBDes (Dana Desa/ADD)", "usulan_berbiaya") == 3
    assert cost.totals is not None
    assert cost.totals.values[cost.column_index("total")] == 2755 * M
    assert cost.totals.values[cost.column_index("usulan_berbiaya")] == 7

    count = result.table("jumlah")
    assert cell(count, "CSR/dunia usaha", "branding") == 1
    assert cell(count, "CSR/dunia usaha", "tanpa_biaya") == 1
    assert cell(count, "(belum diisi)", "governance") == 1
    assert count.totals is not None
    assert count.totals.values[count.column_index("total")] == 9
    assert count.totals.values[count.column_index("tanpa_biaya")] == 2

    scale = result.table("skala")
    assert [r.values for r in scale.rows] == [
        ("Cukup di desa", 4, 4, 0, 305 * M, 76_250_000),
        ("Perlu kecamatan", 1, 0, 1, 0, 0),
        ("Perlu kabupaten", 3, 3, 0, 2450 * M, 816_666_667),
        ("(belum diisi)", 1, 0, 1, 0, 0),
    ]
    assert any("2 usulan" in value for _label, value in result.notes)

    flt = result.filter
    apbdes = next(r for r in cost.rows if r.values[0] == "APBDes (Dana Desa/ADD)")
    assert drilled(views_shared, kab, flt, apbdes.drills["living"]) == ["pa2", "pb2", "pd2"]
    assert count.totals is not None
    assert drilled(views_shared, kab, flt, count.totals.drills["tanpa_biaya"]) == ["pa3", "pc2"]
    counts_match_their_drills(kab, result, {"biaya": set(), "jumlah": set(), "skala": set()})


def test_a_desa_filter(kab: AppContext) -> None:
    result = view("biaya-sumber-dana").compute(kab, AnalysisFilter(desa=C))
    cost = result.table("biaya")
    assert cost.totals is not None
    assert cost.totals.values[cost.column_index("total")] == 750 * M  # pc1; pc3 is deleted
    count = result.table("jumlah")
    assert count.totals is not None
    assert count.totals.values[count.column_index("total")] == 2  # pc1 pc2


BIG = 50_000_000_000  # rupiah: a regency programme, past 2^31


def test_a_cost_past_two_to_the_31_is_stored_read_and_summed(
    views_template: ViewsData, views_data: ViewsData, tmp_path: Path
) -> None:
    """Rp 50 miliar written at a village, sent to the kabupaten and counted in its totals: on
    PostgreSQL the column is 64-bit (migration 0015), as SQLite's INTEGER always is."""
    shutil.copytree(
        views_template.root / A, tmp_path / "desa", ignore=shutil.ignore_patterns("backups")
    )
    desa = open_context(DataPaths(tmp_path / "desa"))
    kab = views_data.open("kabupaten")
    try:
        values = {
            "title": "Normalisasi sungai dan tanggul laut",
            "description": "Program kabupaten.",
            "dimension": "environment",
            "sub_element": "proteksi_lingkungan",
            "estimated_cost": BIG,
            "funding_source": "apbd_kab",
            "scale": "kabupaten",
        }
        record = RecordService(desa).create(RecordKind.PROPOSAL, values, finalise=True).ids[0]
        assert RecordService(desa).get(RecordKind.PROPOSAL, record).values["estimated_cost"] == BIG
        send(desa, kab, tmp_path / "bundles", "big.scb")
        assert RecordService(kab).get(RecordKind.PROPOSAL, record).values["estimated_cost"] == BIG
        cost = view("biaya-sumber-dana").compute(kab, AnalysisFilter()).table("biaya")
        assert cell(cost, "APBD Kabupaten", "environment") == 1250 * M + BIG
        assert cost.totals is not None
        assert cost.totals.values[cost.column_index("total")] == 2755 * M + BIG
    finally:
        desa.close()
        kab.close()
