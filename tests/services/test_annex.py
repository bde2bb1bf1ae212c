"""The kabupaten's annex PDF on the known data set plus hand-made proposals and reviews
(tests/services/annex_known.py): what it prints, its page kinds, and its embedded fonts."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from smartcity_desktop.errors import UserError
from smartcity_desktop.reports.progress import ReportCancelled
from smartcity_desktop.services import annex
from smartcity_desktop.services.analysis import VIEWS, AnalysisFilter, ViewSpec
from smartcity_desktop.services.analysis.result import (
    Chart,
    Column,
    ColumnType,
    Row,
    Series,
    Table,
    ViewResult,
)
from smartcity_desktop.services.annex import build_annex, not_accommodated
from smartcity_desktop.services.completeness import completeness
from smartcity_desktop.services.context import AppContext
from tests.services.annex_known import add_proposals_and_reviews
from tests.services.similarity_data import A, Known, known, known_template

__all__ = ["known", "known_template"]

pytestmark = pytest.mark.postgres_ready


@pytest.fixture
def kab(known: Known) -> Iterator[AppContext]:
    ctx = known.open("kabupaten")
    add_proposals_and_reviews(ctx)
    yield ctx
    ctx.close()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def fonts(path: Path) -> list[tuple[str, str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:]]
    return [(r[0], r[-5]) for r in rows]


def test_not_accommodated_follows_the_deciding_review(kab: AppContext) -> None:
    listed, total = not_accommodated(kab, completeness(kab))
    assert total == 3
    assert [(i.title, i.reviewer, i.decision, i.reason) for i in listed] == [
        (
            "Usulan p1",
            "Kecamatan Tarumajaya",
            "Ditolak",
            "Perkiraan biaya belum wajar atau tanpa rincian; Rincian RAB belum ada",
        ),
        ("Usulan p2", "Kecamatan Babelan", "Dialihkan", "dialihkan ke OPD Dinas PUPR"),
        ("Usulan p4", "Kabupaten Bekasi", "Ditolak", "Uraian kurang jelas"),
    ]
    assert listed[0].desa == "Desa Sagara Makmur" and listed[0].kecamatan == "Kecamatan Tarumajaya"


def test_the_annex_has_every_part_landscape_for_wide_tables_and_embedded_fonts(
    kab: AppContext, tmp_path: Path
) -> None:
    folder = tmp_path / "keluaran"
    folder.mkdir()
    out = build_annex(kab, folder / "lampiran.pdf")
    text = pdf_text(out)
    for part in (
        "LAMPIRAN REKAPITULASI ASPIRASI PERMASALAHAN",
        "LEMBAR PENGESAHAN",
        "BAB I. METODE",
        "Kelengkapan data desa/kelurahan",
        "BAB II. REKAPITULASI PER TAMPILAN ANALISIS",
        "BAB III. USULAN YANG TIDAK DAPAT DIAKOMODASI",
        "Rincian RAB belum ada",
        "Mengesahkan,",
        "Saringan:",
    ):
        assert part in text, part
    for spec in VIEWS.values():
        assert spec.title in text, spec.title
    # Other views list every proposal; the chapter of those not accommodated only its own.
    chapter = text.rsplit("BAB III. USULAN YANG TIDAK DAPAT DIAKOMODASI", 1)[1]
    for shown in ("Usulan p1", "Usulan p2", "Usulan p4"):
        assert shown in chapter
    for hidden in ("Usulan p3", "Usulan p5", "Usulan p6"):
        assert hidden not in chapter
    pages = PdfReader(out).pages
    shapes = [float(p.mediabox.width) > float(p.mediabox.height) for p in pages]
    assert shapes[:3] == [False, False, False]  # cover, approval, method
    assert True in shapes  # the matrix (23 kecamatan) and the list are landscape
    assert shapes[-1] is True
    listed = fonts(out)
    assert listed and all(emb == "yes" for _name, emb in listed), listed
    assert all("DejaVu" in name for name, _emb in listed), listed
    assert [p.name for p in folder.iterdir()] == ["lampiran.pdf"]


class _Huge(ViewSpec):
    """A view added later: a ranking of 60,000 proposals with a horizontal chart."""

    def compute(self, ctx, flt, tick=None):  # type: ignore[no-untyped-def,override]
        rows = tuple(
            Row((f"Usulan ke-{n}", 60_000 - n, 1_500_000 * n, n % 100)) for n in range(1, 60_001)
        )
        table = Table(
            "peringkat",
            "Peringkat usulan",
            (
                Column("judul", "Usulan"),
                Column("skor", "Skor", ColumnType.INT),
                Column("biaya", "Biaya", ColumnType.MONEY),
                Column("porsi", "Porsi", ColumnType.PERCENT),
            ),
            rows,
            chart=Chart(
                "Skor tertinggi",
                tuple(f"Usulan ke-{n}" for n in range(1, 41)),
                (Series("Skor", tuple(float(60_000 - n) for n in range(1, 41))),),
                horizontal=True,
            ),
        )
        return ViewResult(self.name, "Peringkat uji", ctx.office.code, flt, {}, (table,))


def test_a_view_added_to_the_registry_appears_cut_to_the_top_rows(
    kab: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    views = dict(VIEWS)
    views["peringkat-uji"] = _Huge("peringkat-uji", "Peringkat uji", "Usulan menurut skor", "x")
    monkeypatch.setattr(annex, "VIEWS", views)
    out = build_annex(kab, tmp_path / "lampiran.pdf", row_limit=50)
    text = pdf_text(out)
    assert "Peringkat uji" in text and "Usulan menurut skor" in text
    assert "Usulan ke-50\n" in text or "Usulan ke-50 " in text
    assert "Usulan ke-51 " not in text and "Usulan ke-51\n" not in text
    assert "Tabel ini berisi 60.000 baris; lampiran memuat 50 baris pertama" in text
    assert "smartcity analysis peringkat-uji --xlsx" in text
    assert "Grafik menampilkan 30 kategori terbesar dari 40." in text
    assert "Rp 75.000.000" in text  # row 50's cost, in the Indonesian rupiah format


def test_only_the_kabupaten_makes_the_annex(known: Known, tmp_path: Path) -> None:
    ctx = known.open(A)
    try:
        with pytest.raises(UserError) as info:
            build_annex(ctx, tmp_path / "x.pdf")
    finally:
        ctx.close()
    assert info.value.code == "report.kabupaten_only"
    assert not (tmp_path / "x.pdf").exists()


def test_filters_describe_the_whole_regency(kab: AppContext) -> None:
    data = annex.gather_annex_data(kab)
    assert [v.name for v in data.views] == list(VIEWS)
    first = data.views[0]
    assert dict(first.filters)["Kecamatan"] == "semua"
    assert data.completeness[0].name == "Kecamatan Tarumajaya"
    assert data.completeness[0].sent == 2 and data.completeness[0].villages == 8
    # p1 rejected at Tarumajaya; p2 redirected and p4 rejected (by the kabupaten) at Babelan
    assert data.not_accommodated_by_kecamatan[:2] == (
        ("Kecamatan Tarumajaya", 1, 0),
        ("Kecamatan Babelan", 1, 1),
    )
    assert len(data.not_accommodated_by_kecamatan) == 23
    assert AnalysisFilter() == AnalysisFilter()


def test_cancelling_leaves_no_file(kab: AppContext, tmp_path: Path) -> None:
    class Cancelling:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def report(self, done: int, total: int, message: str) -> None:
            self.seen.append(message)

        def cancelled(self) -> bool:
            return len(self.seen) > 2  # after the first views are computed

    folder = tmp_path / "keluaran"
    folder.mkdir()
    progress = Cancelling()
    with pytest.raises(ReportCancelled):
        build_annex(kab, folder / "x.pdf", progress)
    assert progress.seen[0] == "Menghitung kelengkapan data desa"
    assert list(folder.iterdir()) == []
