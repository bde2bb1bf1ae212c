"""The closing sentence and the signature never sit alone on the last page; fonts are embedded.

Issue 12 item 13, on plain data: for every length of the last table, the page that carries the
signature also carries rows of that table (or the whole of a short table).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pypdf import PdfReader

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.reports.desa_recap import build_recap_pdf
from smartcity_desktop.reports.receipt import build_receipt_pdf
from tests.reports.test_desa_recap import data, record
from tests.reports.test_receipt import _data as receipt_data

SIGNATURE = "Demikian rekap ini dibuat"


def last_page(path: Path) -> str:
    return " ".join(PdfReader(path).pages[-1].extract_text().split())


def test_signature_page_always_carries_rows_of_the_last_table(tmp_path: Path) -> None:
    alone = []
    # The last dimension (Lingkungan) and the last kind (usulan): its table ends the document.
    for n in range(1, 26):
        proposals = [
            record(RecordKind.PROPOSAL, i, dimension="environment", title=f"Usulan nomor {i:02d}")
            for i in range(1, n + 1)
        ]
        out = tmp_path / f"rekap-{n}.pdf"
        build_recap_pdf(data({RecordKind.PROPOSAL: proposals}), out, language="id")
        text = last_page(out)
        assert SIGNATURE in text
        if f"Usulan nomor {n:02d}" not in text:
            alone.append(n)
    assert alone == []


def embedded(path: Path) -> list[tuple[str, str]]:
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [(line.split()[0], line.split()[-5]) for line in listing.stdout.splitlines()[2:]]


def test_recap_embeds_every_font(tmp_path: Path) -> None:
    out = tmp_path / "rekap.pdf"
    records = [record(RecordKind.PROBLEM, i) for i in range(3)]
    build_recap_pdf(data({RecordKind.PROBLEM: records}), out, language="id")
    fonts = embedded(out)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    assert {name.split("+")[-1] for name, _emb in fonts} >= {"DejaVuSans", "DejaVuSans-Bold"}


def test_receipt_embeds_every_font_and_dates_it_from_the_office(tmp_path: Path) -> None:
    out = tmp_path / "tanda-terima.pdf"
    build_receipt_pdf(receipt_data(), out, language="id")
    fonts = embedded(out)
    assert fonts and all(emb == "yes" for _name, emb in fonts), fonts
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    place = receipt_data().letterhead.office_place
    assert f"{place}, " in text  # the signature's place is the office's own
    assert "Bekasi, " not in text
