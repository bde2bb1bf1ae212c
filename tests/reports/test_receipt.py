"""The receipt layout alone: plain data in, one PDF page out, facts readable by pypdf."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from smartcity_desktop.i18n import set_language
from smartcity_desktop.reports.recap_data import Letterhead
from smartcity_desktop.reports.receipt import ReceiptData, build_receipt_pdf

HASH = "3f5a9c0e" * 8


def _data(**overrides: object) -> ReceiptData:
    values: dict[str, object] = {
        "letterhead": Letterhead(
            regency="Kabupaten Bekasi",
            district="",
            office="Kecamatan Tarumajaya",
            office_place="Tarumajaya",
            regency_place="Bekasi",
            address="Jl. Raya Tarumajaya No. 1",
        ),
        "head_title": "Camat",
        "head_name": "Drs. Ahmad Sutisna",
        "receiver_code": "32.16.01",
        "operator": "Rina Marlina",
        "fingerprint": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
        "sender_code": "32.16.01.2001",
        "sender_name": "Desa Sagara Makmur",
        "sender_role": "desa",
        "sequence": 42,
        "content_hash": HASH,
        "trust_level": "certified",
        "created": datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
        "imported_at": datetime(2026, 11, 28, 14, 5, tzinfo=UTC),
        "files": ["smartcity-32.16.01.2001-000042.scb"],
        "counts": {"problem": 5, "potential": 2, "proposal": 3, "attachment": 4},
        "actions": {
            "problem": {"new": 3, "updated": 1, "unchanged": 1},
            "potential": {"older": 2},
            "proposal": {"new": 2, "conflict": 1},
            "attachment": {"new": 4},
        },
        "missing_sequences": [40, 41],
    }
    values.update(overrides)
    return ReceiptData(**values)  # type: ignore[arg-type]


def _text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_receipt_names_every_fact(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    build_receipt_pdf(_data(), out, "id")
    text = _text(out)
    flat = "".join(text.split())
    assert "PEMERINTAH KABUPATEN BEKASI" in text
    assert "KECAMATAN TARUMAJAYA" in text
    assert "TANDA TERIMA PAKET DATA" in text
    assert "32.16.01.2001 – Desa Sagara Makmur" in text
    assert "Desa/Kelurahan" in text
    assert "Nomor urut paket" in text and "42" in text
    assert HASH in flat
    assert "bersertifikat" in text
    assert "27 November 2026 08:30" in text  # created
    assert "28 November 2026 14:05" in text  # imported
    for label in ("Baru", "Diperbarui", "Sama", "Lebih lama", "Konflik"):
        assert label in text
    assert "Permasalahan" in text and "Lampiran" in text
    assert "nomor 40, 41" in text
    assert "1 catatan bertentangan" in text
    assert "Rina Marlina" in text and "Drs. Ahmad Sutisna" in text and "Camat" in text
    assert "Tarumajaya, 28 November 2026" in text
    assert "Halaman 1 dari 1" in text


def test_locally_trusted_is_marked_in_words(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    build_receipt_pdf(_data(trust_level="locally_trusted", missing_sequences=[]), out, "id")
    text = _text(out)
    assert "DIPERCAYA LOKAL" in text
    assert "belum disertifikasi oleh kabupaten" in text
    assert "Tidak ada nomor paket yang terlewat" in text


def test_english(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    set_language("en")
    build_receipt_pdf(_data(trust_level="locally_trusted"), out, "en")
    text = _text(out)
    assert "DATA BUNDLE RECEIPT" in text
    assert "GOVERNMENT OF KABUPATEN BEKASI" in text
    assert "LOCALLY TRUSTED" in text
    assert "Sending office" in text and "Bundle sequence number" in text
    for label in ("New", "Updated", "Unchanged", "Older", "Conflict"):
        assert label in text
    assert "Page 1 of 1" in text


def test_parts_are_one_line_and_the_receipt_stays_one_page(tmp_path: Path) -> None:
    files = [f"smartcity-32.16.01.2001-000042.part{i:02d}-of-12.scb" for i in range(1, 13)]
    out = tmp_path / "r.pdf"
    build_receipt_pdf(_data(files=files), out, "id")
    assert "smartcity-32.16.01.2001-000042.part*-of-12.scb (12 dari 12 bagian)" in _text(out)
