"""Receipts written by a real import: a desa exports, a kecamatan that pinned it imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from smartcity_desktop.errors import UserError
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import export_bundle, import_files
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.receipts import receipt_path, write_receipt
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.trust import pin_office
from tests.conftest import DESA_CODE, PASSPHRASE

pytestmark = pytest.mark.postgres_ready


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def bundle(desa_ctx: AppContext, tmp_path: Path) -> Path:
    generate(desa_ctx, SampleRequest(problems=3, potentials=2, proposals=2, seed=7))
    out = tmp_path / "out"
    out.mkdir()
    return export_bundle(desa_ctx, PASSPHRASE, out).paths[0]


def test_import_writes_a_receipt_with_the_facts(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path
) -> None:
    pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    [report] = import_files(kecamatan_ctx, [bundle])
    assert report.status == "imported", report.findings
    assert report.receipt is not None and report.receipt.is_file()
    assert report.receipt == receipt_path(kecamatan_ctx, report)
    assert report.receipt.parent == kecamatan_ctx.paths.root / "receipts"
    assert report.receipt.name == (
        f"tanda-terima-{DESA_CODE}-000001-{report.content_hash[:8]}.pdf"  # type: ignore[index]
    )
    assert len(PdfReader(report.receipt).pages) == 1
    text = _text(report.receipt)
    assert "TANDA TERIMA PAKET DATA" in text
    assert DESA_CODE in text and "Sagara Makmur" in text
    assert report.content_hash is not None and report.content_hash in _flat(text)
    assert "DIPERCAYA LOKAL" in text
    assert "Halaman 1 dari 1" in text
    assert "Operator Uji" in text
    assert "Camat" in text
    # per kind and per action; all rows are new on the first import
    assert "Permasalahan" in text and "Potensi" in text and "Usulan Inovasi" in text
    assert "Baru" in text and "Diperbarui" in text and "Lebih lama" in text
    assert "Tidak ada nomor paket yang terlewat" in text
    # no temporary files left beside it
    assert [p.name for p in report.receipt.parent.iterdir()] == [report.receipt.name]


def test_receipt_in_english(desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path) -> None:
    pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    [report] = import_files(kecamatan_ctx, [bundle], receipts=False)
    path = write_receipt(kecamatan_ctx, report, language="en")
    text = _text(path)
    assert "DATA BUNDLE RECEIPT" in text
    assert "LOCALLY TRUSTED" in text
    assert "Page 1 of 1" in text


def test_write_failure_is_a_user_error(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, bundle: Path
) -> None:
    pin_office(kecamatan_ctx, DESA_CODE, office_fingerprint(desa_ctx))
    [report] = import_files(kecamatan_ctx, [bundle], receipts=False)
    # a file where the folder should be: mkdir fails
    (kecamatan_ctx.paths.root / "receipts").write_text("not a folder")
    with pytest.raises(UserError):
        write_receipt(kecamatan_ctx, report)
