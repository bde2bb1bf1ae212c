"""The recap layout on plain data (no database): wrapping, page numbers, odd inputs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.domain.records import Record, Status
from smartcity_desktop.reports.desa_recap import build_recap_pdf, group_by_dimension
from smartcity_desktop.reports.letterhead import letterhead_lines
from smartcity_desktop.reports.progress import ReportCancelled
from smartcity_desktop.reports.recap_data import Letterhead, RecapData

WIB = timezone(timedelta(hours=7))
HEAD = Letterhead(
    regency="Kabupaten Bekasi",
    district="Tarumajaya",
    office="Desa Sagara Makmur",
    office_place="Sagara Makmur",
    regency_place="Bekasi",
    address="Jl. Raya Sagara Makmur No. 1",
)


def record(kind: RecordKind, n: int, **values: Any) -> Record:
    base: dict[str, Any] = {
        "title": f"Catatan {kind.value} {n}",
        "description": "Uraian pendek.",
        "dimension": "environment",
        "sub_element": "sampah_limbah",
    }
    base.update(values)
    now = datetime(2026, 11, 1)
    return Record(
        kind,
        f"id-{kind.value}-{n}",
        "32.16.01.2001",
        1,
        Status.FINAL,
        False,
        "h",
        now,
        now,
        "Operator",
        base,
    )


def data(records: dict[RecordKind, list[Record]], **kw: Any) -> RecapData:
    args: dict[str, Any] = {
        "letterhead": HEAD,
        "head_title": "Kepala Desa",
        "head_name": "Hj. Siti Aminah",
        "fingerprint": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567",
        "generated_at": datetime(2026, 11, 28, 9, 30, tzinfo=WIB),
        "records": records,
    }
    args.update(kw)
    return RecapData(**args)


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_an_empty_office_still_gets_a_complete_document(tmp_path: Path) -> None:
    out = tmp_path / "kosong.pdf"
    build_recap_pdf(data({}, head_name=""), out, language="id")
    pages, text = pdf_text(out)
    assert "PEMERINTAH KABUPATEN BEKASI" in text
    assert text.count("Belum ada catatan final pada dimensi ini.") == 6
    assert f"Halaman {pages} dari {pages}" in text
    assert "(......" in text  # no name in the settings: a dotted line to write it by hand


def test_a_5000_character_text_wraps_and_splits_over_pages(tmp_path: Path) -> None:
    short = {RecordKind.POTENTIAL: [record(RecordKind.POTENTIAL, 1)]}
    long_text = ("Potensi tambak bandeng dan udang vaname yang luas di pesisir utara. " * 80)[:5000]
    long = {
        RecordKind.POTENTIAL: [
            record(RecordKind.POTENTIAL, 1, description=long_text, potential_type="alam")
        ],
        RecordKind.PROPOSAL: [record(RecordKind.PROPOSAL, 1, description=long_text)],
        RecordKind.PROBLEM: [record(RecordKind.PROBLEM, 1, description=long_text)],
    }
    build_recap_pdf(data(short), tmp_path / "short.pdf", language="id")
    build_recap_pdf(data(long), tmp_path / "long.pdf", language="id")
    short_pages, _ = pdf_text(tmp_path / "short.pdf")
    long_pages, text = pdf_text(tmp_path / "long.pdf")
    assert long_pages > short_pages + 1
    assert f"Halaman {long_pages} dari {long_pages}" in text
    # A problem shows only a short description; the cut is marked.
    assert "…" in text


def test_user_text_with_markup_characters_is_printed_literally(tmp_path: Path) -> None:
    out = tmp_path / "markup.pdf"
    odd = record(RecordKind.PROBLEM, 1, title="Jalan <rusak> & banjir", severity="berat")
    build_recap_pdf(data({RecordKind.PROBLEM: [odd]}), out, language="id")
    assert "Jalan <rusak> & banjir" in pdf_text(out)[1]


def test_records_with_an_unknown_dimension_are_listed_not_lost(tmp_path: Path) -> None:
    stray = record(RecordKind.PROBLEM, 1, dimension="lama", title="Dimensi dari versi lama")
    groups = group_by_dimension(data({RecordKind.PROBLEM: [stray]}))
    assert list(groups)[-1] == "lama"
    out = tmp_path / "stray.pdf"
    build_recap_pdf(data({RecordKind.PROBLEM: [stray]}), out, language="id")
    assert "Dimensi dari versi lama" in pdf_text(out)[1]


def test_letterhead_without_a_kecamatan_line() -> None:
    head = Letterhead("Kabupaten Bekasi", "", "Kabupaten Bekasi", "Bekasi", "Bekasi")
    assert letterhead_lines(head) == ["PEMERINTAH KABUPATEN BEKASI", "KABUPATEN BEKASI"]


class _Progress:
    def __init__(self, cancel_after: int | None = None) -> None:
        self.calls: list[tuple[int, int, str]] = []
        self.cancel_after = cancel_after

    def report(self, done: int, total: int, message: str) -> None:
        self.calls.append((done, total, message))

    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.calls) >= self.cancel_after


def test_progress_reaches_the_total_and_cancel_stops_the_layout(tmp_path: Path) -> None:
    many = {RecordKind.PROBLEM: [record(RecordKind.PROBLEM, n) for n in range(60)]}
    progress = _Progress()
    build_recap_pdf(data(many), tmp_path / "ok.pdf", progress, language="id")
    assert progress.calls[-1][:2] == (60, 60)
    assert all(done <= total for done, total, _ in progress.calls)

    with pytest.raises(ReportCancelled):
        build_recap_pdf(data(many), tmp_path / "stop.pdf", _Progress(cancel_after=3), "id")
