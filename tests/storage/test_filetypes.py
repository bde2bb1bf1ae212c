"""What bytes really are, and the names attachments are shown and opened under."""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartcity_desktop.storage.filetypes import (
    EXTENSIONS,
    MAX_PIXELS,
    NAME_EXTENSIONS,
    WINDOWS_RESERVED,
    identify,
    identify_bytes,
    opened_name,
    safe_display_name,
    visible_name,
)
from tests.storage.sample_files import (
    encrypted_pdf_bytes,
    jpeg_bytes,
    large_png_bytes,
    pdf_bytes,
    png_bytes,
    png_header_only,
    xref_stream_pdf_bytes,
)

# No database: the bytes of attachments.


def webp_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, "WEBP")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (jpeg_bytes(), "image/jpeg"),
        (png_bytes(), "image/png"),
        (webp_bytes(), "image/webp"),
        (pdf_bytes(pages=3), "application/pdf"),
        (xref_stream_pdf_bytes(), "application/pdf"),
        (encrypted_pdf_bytes(), "application/pdf"),
    ],
    ids=["jpeg", "png", "webp", "pdf", "pdf-1.5-xref-stream", "pdf-encrypted"],
)
def test_real_files_are_identified(data: bytes, media_type: str) -> None:
    found = identify_bytes(data)
    assert (found.media_type, found.claimed) == (media_type, media_type)


def test_image_size_comes_from_the_header_alone() -> None:
    # Holds no pixel data at all: only the header can have been read.
    found = identify_bytes(png_header_only(12_000, 9_000))
    assert (found.media_type, found.width, found.height) == ("image/png", 12_000, 9_000)
    assert found.over(MAX_PIXELS)
    absurd = identify_bytes(png_header_only(40_000, 40_000))
    assert absurd.media_type == "image/png" and absurd.too_many_pixels and absurd.over(MAX_PIXELS)


def test_a_79_megapixel_png_is_measured_not_decoded() -> None:
    found = identify_bytes(large_png_bytes(10_240, 7_728))
    assert (found.width, found.height) == (10_240, 7_728)
    assert found.over(MAX_PIXELS)


@pytest.mark.parametrize(
    ("data", "description"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "program Windows (EXE)"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "program Linux (ELF)"),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", "halaman web (HTML)"),
        (b"\xef\xbb\xbf  <html><body>Laporan</body></html>", "halaman web (HTML)"),
        (b"@echo off\r\ndel /q C:\\*\r\n", "skrip perintah Windows (BAT/CMD)"),
        (b"#!/bin/sh\nrm -rf ~\n", "skrip (program)"),
        (b"PK\x03\x04\x14\x00\x00\x00", "arsip ZIP (atau dokumen Office)"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "gambar SVG (dapat berisi skrip)"),
        (b"GIF89a\x01\x00\x01\x00", "gambar GIF"),
        (b"Catatan rapat desa", "berkas teks"),
        (b"", "berkas kosong"),
        (b"\x00\x01\x02\x03\xfe\xfd" * 20, "berkas jenis tak dikenal"),
    ],
)
def test_other_files_are_named_for_what_they_are(data: bytes, description: str) -> None:
    found = identify_bytes(data)
    assert found.media_type is None and found.claimed is None
    assert found.description == description


@pytest.mark.parametrize(
    ("data", "claimed"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50, "image/jpeg"),
        (png_bytes()[:20], "image/png"),
        (b"%PDF-1.4\n" + b"MZ" * 500, "application/pdf"),  # a header and then a program
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),  # no xref
        (pdf_bytes()[:-200], "application/pdf"),  # cut short
        (b"%PDF-1.4\n" + b"x" * 300 + b"\nstartxref\n12\n%%EOF\n", "application/pdf"),
    ],
    ids=["jpeg", "png", "pdf-then-exe", "pdf-no-xref", "pdf-truncated", "pdf-fake-trailer"],
)
def test_a_right_header_on_broken_bytes_is_not_enough(data: bytes, claimed: str) -> None:
    found = identify_bytes(data)
    assert found.media_type is None
    assert found.claimed == claimed


def test_a_real_pdf_behind_a_program_header_is_not_a_pdf() -> None:
    found = identify_bytes(b"MZ" + pdf_bytes())
    assert found.media_type is None and found.description == "program Windows (EXE)"


def test_identify_leaves_the_stream_at_its_start() -> None:
    stream = io.BytesIO(pdf_bytes())
    identify(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("name", "media_type", "safe"),
    [
        ("surat-undangan.pdf.exe", "application/pdf", "surat-undangan.pdf"),
        ("x.pdf.exe", "application/pdf", "x.pdf"),
        ("Laporan.pdf.html", "application/pdf", "Laporan.pdf"),
        ("run.bat", "image/jpeg", "run.jpg"),
        ("foto\u202egpj.exe", "image/jpeg", "fotogpj.jpg"),
        ("CON", "application/pdf", "_CON.pdf"),
        ("NUL.txt", "image/jpeg", "_NUL.jpg"),
        ("nul.tar.gz", "application/pdf", "_nul.tar.pdf"),
        ("COM1 .pdf", "application/pdf", "_COM1.pdf"),
        ("LPT9.png", "image/png", "_LPT9.png"),
        ("CONSOLE.pdf", "application/pdf", "CONSOLE.pdf"),
        ("rapat desa. . .", "application/pdf", "rapat desa.pdf"),
        ("IMG_2031.JPEG", "image/jpeg", "IMG_2031.jpeg"),
        ("foto.png", "image/jpeg", "foto.jpg"),
        ('a<b>:"c"|d?*.webp', "image/webp", "a_b___c__d__.webp"),
        ("baris\nbaru\t.pdf", "application/pdf", "baris baru.pdf"),
        ("\u200bnol\u200d\u2066lebar\u2069.pdf", "application/pdf", "nollebar.pdf"),
        ("....", "image/png", "lampiran.png"),
        ("anggaran v1.2", "application/pdf", "anggaran v1.2.pdf"),
        ("..\\..\\evil.pdf", "application/pdf", "_.._evil.pdf"),
    ],
)
def test_display_names_are_made_safe(name: str, media_type: str, safe: str) -> None:
    assert safe_display_name(name, media_type) == safe


def test_a_long_name_keeps_its_extension() -> None:
    name = safe_display_name("laporan " * 60 + ".pdf.exe", "application/pdf")
    assert len(name) <= 255 and name.endswith(".pdf")


def test_visible_name_shows_what_a_bidi_override_hides() -> None:
    assert visible_name("foto\u202egpj.exe") == "fotogpj.exe"


def test_an_attachment_is_opened_under_its_hash_and_type() -> None:
    assert opened_name("ab" * 32, "application/pdf") == "ab" * 32 + ".pdf"


_HIDING = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


@given(name=st.text(min_size=0, max_size=300), media_type=st.sampled_from(sorted(EXTENSIONS)))
def test_every_display_name_is_safe_and_stable(name: str, media_type: str) -> None:
    safe = safe_display_name(name, media_type)
    assert safe_display_name(safe, media_type) == safe
    assert 0 < len(safe) <= 255
    stem, _dot, extension = safe.rpartition(".")
    assert extension in NAME_EXTENSIONS[media_type]
    assert stem and stem == stem.strip(" .")
    assert stem.split(".", 1)[0].upper() not in WINDOWS_RESERVED
    assert not any(unicodedata.category(c) in _HIDING for c in safe)
    assert not set(safe) & set('<>:"/\\|?*')
