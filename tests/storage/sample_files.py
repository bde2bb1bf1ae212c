"""Real files for attachment tests: PDFs made by reportlab and pypdf, a PDF 1.5 with a
cross-reference stream, and large PNGs written row by row (a 79 MP PNG without 79 MP in memory)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def pdf_bytes(pages: int = 1, text: str = "Surat undangan musyawarah desa") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    doc = canvas.Canvas(out)
    for page in range(pages):
        doc.drawString(72, 720, f"{text} ({page + 1})")
        doc.showPage()
    doc.save()
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="rahasia-desa", owner_password="pemilik", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xref_stream_pdf_bytes() -> bytes:
    """A PDF 1.5 whose cross-reference table is a stream object, as phone scanner apps write."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    rows += [struct.pack(">BIH", 1, offset, 0) for offset in offsets]
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    data = b"".join(rows)
    out += b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(
        data
    )
    out += data + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def jpeg_bytes(
    size: tuple[int, int] = (640, 480), colour: tuple[int, int, int] = (30, 90, 160)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (64, 48), mode: str = "RGB", colour: object = None) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, "PNG")  # type: ignore[arg-type]
    return out.getvalue()


def large_png_bytes(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` x ``height``, compressed a row at a time."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    squeeze = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width  # filter "none", mid grey
    parts = [squeeze.compress(row) for _ in range(height)]
    parts.append(squeeze.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` and holds no pixels: reading anything past its
    header fails, so accepting or measuring it proves nothing was decoded."""
    body = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    ihdr = (
        struct.pack(">I", len(body))
        + b"IHDR"
        + body
        + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    )
    idat = (
        struct.pack(">I", 4)
        + b"IDAT"
        + b"\x00\x00\x00\x00"
        + struct.pack(">I", zlib.crc32(b"IDAT\x00\x00\x00\x00"))
    )
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat
