"""The village recap built from a real office database, read back with pypdf."""

from __future__ import annotations

import errno
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services import reports
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.office import office_fingerprint
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.services.reports import ReportCancelled, build_desa_recap
from smartcity_desktop.services.sample_data import SampleRequest, generate
from smartcity_desktop.services.settings import update_settings
from smartcity_desktop.storage.errors import DiskFullError

pytestmark = pytest.mark.postgres_ready

KNOWN_TITLE = "Lampu jalan padam di Dusun Krajan"
HEAD_NAME = "H. Ahmad Suryana"


def _problem(title: str, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": title,
        "description": "Sepanjang 800 meter jalan desa gelap pada malam hari.",
        "dimension": "society",
        "sub_element": "keamanan",
        "severity": "sedang",
        "affected_count": "1200",
        "affected_unit": "jiwa",
        "location_detail": "Dusun Krajan RW 03",
    }
    values.update(extra)
    return values


@pytest.fixture
def office(desa_ctx: AppContext) -> AppContext:
    # Noon UTC is 28 November everywhere from UTC-11 to UTC+11, WIB and WIT included.
    desa_ctx.clock = lambda: datetime(2026, 11, 28, 12, 0)
    generate(desa_ctx, SampleRequest(problems=12, potentials=6, proposals=12, seed=7))
    service = RecordService(desa_ctx)
    service.create(RecordKind.PROBLEM, _problem(KNOWN_TITLE), finalise=True)
    service.create(RecordKind.PROBLEM, _problem("Draf yang belum selesai"))
    gone = service.create(RecordKind.PROBLEM, _problem("Catatan yang dihapus"), finalise=True)
    service.delete(RecordKind.PROBLEM, gone.ids[0])
    update_settings(
        desa_ctx,
        {"kepala_desa_name": HEAD_NAME, "office_address": "Jl. Raya Sagara Makmur No. 1"},
    )
    return desa_ctx


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "laporan"  # tmp_path also holds the office's data folder
    folder.mkdir()
    return folder


def read(path: Path) -> tuple[int, list[str]]:
    # Whitespace collapsed: wrapped cells put line breaks in the middle of titles.
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]
    return len(pages), pages


def test_recap_has_letterhead_title_sections_pages_signature_and_fingerprint(
    office: AppContext, out_dir: Path
) -> None:
    out = build_desa_recap(office, out_dir / "rekap.pdf")
    assert out == out_dir / "rekap.pdf"
    n, pages = read(out)
    text = "\n".join(pages)
    first, last = pages[0], pages[-1]
    for line in ("PEMERINTAH KABUPATEN BEKASI", "KECAMATAN TARUMAJAYA", "DESA SAGARA MAKMUR"):
        assert line in first
    assert "Jl. Raya Sagara Makmur No. 1" in first
    assert "REKAP PERMASALAHAN, POTENSI DAN USULAN INOVASI DESA" in first
    assert "Sagara Makmur, 28 November 2026" in first
    for heading in ("Tata Kelola Pemerintahan Cerdas", "Lingkungan Cerdas", "Masyarakat Cerdas"):
        assert f"Dimensi {heading}" in text
    assert KNOWN_TITLE in text
    assert "1.200 jiwa" in text
    assert "Draf yang belum selesai" not in text
    assert "Catatan yang dihapus" not in text
    assert "1 catatan masih berstatus draf" in text
    assert f"Halaman 1 dari {n}" in first
    assert f"Halaman {n} dari {n}" in last
    assert "Kepala Desa Sagara Makmur" in last and HEAD_NAME in last
    assert office_fingerprint(office) in first and office_fingerprint(office) in last
    assert [p.name for p in out_dir.iterdir()] == ["rekap.pdf"]  # no temporary file left


def test_english_variant(office: AppContext, out_dir: Path) -> None:
    out = build_desa_recap(office, out_dir / "recap-en.pdf", language="en")
    n, pages = read(out)
    text = "\n".join(pages)
    assert "RECAP OF PROBLEMS, POTENTIALS AND INNOVATION PROPOSALS" in pages[0]
    assert "Sagara Makmur, 28 November 2026" in pages[0]
    assert "Smart Governance" in text and "Problems" in text
    assert f"Page 1 of {n}" in pages[0] and f"Page {n} of {n}" in pages[-1]
    assert "Village Head of Sagara Makmur" in pages[-1]


def test_long_description_grows_the_document(office: AppContext, out_dir: Path) -> None:
    before, _ = read(build_desa_recap(office, out_dir / "before.pdf"))
    long_text = ("Air laut pasang merendam tambak dan permukiman warga. " * 100)[:5000]
    RecordService(office).create(
        RecordKind.POTENTIAL,
        {
            "title": "Tambak bandeng pesisir",
            "description": long_text,
            "potential_type": "alam",
            "dimension": "economy",
        },
        finalise=True,
    )
    after, pages = read(build_desa_recap(office, out_dir / "after.pdf"))
    assert after > before
    assert f"Halaman {after} dari {after}" in pages[-1]


class Progress:
    def __init__(self, cancel_at: int) -> None:
        self.calls = 0
        self.cancel_at = cancel_at

    def report(self, done: int, total: int, message: str) -> None:
        self.calls += 1

    def cancelled(self) -> bool:
        return self.calls >= self.cancel_at


@pytest.mark.parametrize("cancel_at", [0, 6])  # while gathering, and during layout
def test_cancelling_leaves_no_file(office: AppContext, out_dir: Path, cancel_at: int) -> None:
    target = out_dir / "rekap.pdf"
    with pytest.raises(ReportCancelled):
        build_desa_recap(office, target, Progress(cancel_at))
    assert list(out_dir.iterdir()) == []


def test_cancelling_keeps_an_older_report_untouched(office: AppContext, out_dir: Path) -> None:
    target = out_dir / "rekap.pdf"
    target.write_bytes(b"laporan lama")
    with pytest.raises(ReportCancelled):
        build_desa_recap(office, target, Progress(6))
    assert target.read_bytes() == b"laporan lama"


def test_read_only_folder_gives_a_user_error(office: AppContext, read_only_dir: Path) -> None:
    with pytest.raises(UserError) as caught:
        build_desa_recap(office, read_only_dir / "rekap.pdf")
    assert str(read_only_dir) in str(caught.value)
    assert list(read_only_dir.iterdir()) == []


def test_unwritable_folder_gives_a_user_error(
    office: AppContext, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated because tests may run as root, which ignores folder permissions.
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(reports.tempfile, "mkstemp", refuse)
    with pytest.raises(UserError, match="tidak dapat disimpan") as caught:
        build_desa_recap(office, out_dir / "rekap.pdf")
    assert str(out_dir) in str(caught.value)


def test_full_disk_gives_a_user_error_and_no_partial_file(
    office: AppContext, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reports, "build_recap_pdf", disk_full)
    with pytest.raises(DiskFullError):
        build_desa_recap(office, out_dir / "rekap.pdf")
    assert list(out_dir.iterdir()) == []


def test_missing_folder_and_folder_as_target_are_refused(office: AppContext, out_dir: Path) -> None:
    with pytest.raises(UserError, match="tidak ada"):
        build_desa_recap(office, out_dir / "belum-ada" / "rekap.pdf")
    with pytest.raises(UserError, match="adalah folder"):
        build_desa_recap(office, out_dir)


def test_empty_head_name_prints_a_dotted_line(desa_ctx: AppContext, out_dir: Path) -> None:
    _, pages = read(build_desa_recap(desa_ctx, out_dir / "rekap.pdf"))
    assert "(....." in pages[-1]
    assert "Belum ada catatan final pada dimensi ini." in "\n".join(pages)
