from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from smartcity_desktop.storage import media
from smartcity_desktop.storage.filetypes import MAX_PIXELS
from smartcity_desktop.storage.media import (
    MAX_INPUT_BYTES,
    AttachmentError,
    prepare_attachment,
    prepare_bytes,
)
from tests.storage.sample_files import large_png_bytes, pdf_bytes, png_header_only

# No database: photos and PDFs prepared for attaching.


def jpeg(width: int, height: int, *, orientation: int | None = None) -> bytes:
    img = Image.new("RGB", (width, height), (200, 30, 30))
    img.paste((20, 20, 200), (0, 0, width // 2, height // 4))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_large_photos_are_shrunk_to_1600_px_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "IMG_2031.png"
    Image.new("RGB", (4000, 3000), (10, 120, 40)).save(path)
    prepared = prepare_attachment(path)
    assert prepared.media_type == "image/jpeg"
    assert prepared.filename == "IMG_2031.jpg"
    assert (prepared.width, prepared.height) == (1600, 1200)
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_exif_orientation_is_applied_and_exif_dropped() -> None:
    prepared = prepare_bytes(jpeg(400, 200, orientation=6), "hp.jpg")  # rotated 90 degrees
    assert (prepared.width, prepared.height) == (200, 400)
    assert not Image.open(io.BytesIO(prepared.data)).getexif()


def test_pdf_documents_are_kept_as_they_are() -> None:
    data = pdf_bytes()
    prepared = prepare_bytes(data, "RAB.pdf")
    assert prepared.data == data and prepared.media_type == "application/pdf"
    assert prepared.filename == "RAB.pdf"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00 windows program", "foto.jpg", "attachment.unsupported_type"),
        (b"hello, this is a text file", "catatan.txt", "attachment.unsupported_type"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "rusak.jpg", "attachment.corrupt"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "terpotong.pdf", "attachment.corrupt"),
        (
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            "tanpa-xref.pdf",
            "attachment.corrupt",
        ),
        (
            b"%PDF-1.4\n" + b"MZ" * 500 + b"\nstartxref\n9\n%%EOF",
            "menyamar.pdf",
            "attachment.corrupt",
        ),
    ],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, name: str, code: str) -> None:
    with pytest.raises(AttachmentError) as err:
        prepare_bytes(data, name)
    assert err.value.code == code
    assert name in str(err.value)


def test_a_truncated_jpeg_is_refused() -> None:
    data = jpeg(800, 600)
    with pytest.raises(AttachmentError) as err:
        prepare_bytes(data[: len(data) // 3], "separuh.jpg")
    assert err.value.code == "attachment.corrupt"


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "besar.jpg"
    with path.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB without writing it
    with pytest.raises(AttachmentError) as err:
        prepare_attachment(path)
    assert err.value.code == "attachment.too_large"
    assert str(MAX_INPUT_BYTES // (1024 * 1024)) in str(err.value)


def test_a_file_that_disappeared_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError) as err:
        prepare_attachment(tmp_path / "hilang.jpg")
    assert err.value.code == "attachment.missing"


def test_a_decompression_bomb_is_refused() -> None:
    img = Image.new("1", (12000, 12000))  # 144 MP, tiny as PNG
    out = io.BytesIO()
    img.save(out, "PNG")
    with pytest.raises(AttachmentError) as err:
        prepare_bytes(out.getvalue(), "bom.png")
    assert err.value.code == "attachment.too_many_pixels"


def test_a_79_megapixel_png_is_refused_before_decoding_with_the_cap_named() -> None:
    with pytest.raises(AttachmentError) as err:
        prepare_bytes(large_png_bytes(10_240, 7_728), "panorama.png")
    assert err.value.code == "attachment.too_many_pixels"
    message = str(err.value)
    assert "panorama.png" in message and "10240×7728" in message
    assert f"{MAX_PIXELS // 1_000_000} megapiksel" in message


def test_the_pixel_cap_is_checked_on_the_header_not_on_decoded_pixels() -> None:
    # Nothing after the header can be decoded: a decoding check would call it damaged instead.
    with pytest.raises(AttachmentError) as err:
        prepare_bytes(png_header_only(9_000, 6_000), "hanya-kepala.png")
    assert err.value.code == "attachment.too_many_pixels"


def test_a_png_just_under_the_cap_is_shrunk() -> None:
    prepared = prepare_bytes(large_png_bytes(8_000, 6_000), "peta.png")  # 48 MP, decoded in full
    assert (prepared.width, prepared.height) == (1600, 1200)
    assert prepared.filename == "peta.jpg"
    img = Image.open(io.BytesIO(prepared.data))
    assert img.getpixel((800, 600)) == pytest.approx((128, 128, 128), abs=2)


def test_a_large_jpeg_is_decoded_reduced(monkeypatch: pytest.MonkeyPatch) -> None:
    # Over the cap for fully decoded images, yet a JPEG decodes at 1/2..1/8 scale (draft).
    monkeypatch.setattr(media, "MAX_PIXELS", 1_000_000)
    monkeypatch.setattr(media, "PHOTO_MAX_SIDE", 400)
    prepared = prepare_bytes(jpeg(3200, 2400), "hp-besar.jpg")  # 7.7 MP, decoded at 1/4
    assert (prepared.width, prepared.height) == (400, 300)


def test_transparent_parts_are_laid_on_white() -> None:
    img = Image.new("RGBA", (400, 300), (200, 0, 0, 0))  # fully transparent red
    img.paste((0, 0, 200, 255), (0, 0, 200, 300))
    out = io.BytesIO()
    img.save(out, "PNG")
    prepared = prepare_bytes(out.getvalue(), "logo.png")
    result = Image.open(io.BytesIO(prepared.data))
    assert result.getpixel((350, 150)) == pytest.approx((255, 255, 255), abs=3)
    assert result.getpixel((50, 150)) == pytest.approx((0, 0, 200), abs=8)


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("surat.pdf.exe", "surat.pdf"),
        ("foto\u202egpj.exe", "fotogpj.pdf"),
        ("CON", "_CON.pdf"),
        ("NUL.txt", "_NUL.pdf"),
    ],
)
def test_a_pdf_gets_a_safe_name(name: str, stored: str) -> None:
    assert prepare_bytes(pdf_bytes(), name).filename == stored


@pytest.mark.parametrize(
    ("name", "stored"),
    [("foto\u202egpj.exe", "fotogpj.jpg"), ("NUL.txt", "_NUL.jpg"), ("aux", "_aux.jpg")],
)
def test_a_photo_gets_a_safe_name(name: str, stored: str) -> None:
    assert prepare_bytes(jpeg(200, 100), name).filename == stored
