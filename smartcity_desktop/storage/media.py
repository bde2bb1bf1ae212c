"""Checking and preparing attachment files: photos are re-encoded, PDFs kept as they are.

Photos from phones are often 4000 px and several MB; villages send bundles over weak connections, so
each photo is shrunk to at most 1600 px JPEG with its EXIF orientation applied (and its other EXIF,
which may hold the phone owner's details, dropped).
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _

MAX_INPUT_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 80_000_000  # larger claims are decompression bombs, not photos
PHOTO_MAX_SIDE = 1600
JPEG_QUALITY = 85


class AttachmentError(UserError):
    code = "attachment.invalid"


@dataclass(frozen=True)
class PreparedFile:
    data: bytes
    filename: str
    media_type: str
    width: int | None = None
    height: int | None = None


def sniff_media_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def prepare_attachment(path: Path, *, max_bytes: int = MAX_INPUT_BYTES) -> PreparedFile:
    """Read, check and (for photos) shrink a file chosen by the user."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise AttachmentError(
                _(
                    "Berkas '{name}' terlalu besar ({size} MB). Batasnya {limit} MB; perkecil foto "
                    "atau pindai ulang dokumen dengan resolusi lebih rendah."
                ).format(name=name, size=_mb(size), limit=_mb(max_bytes)),
                code="attachment.too_large",
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise AttachmentError(
            _(
                "Berkas '{name}' tidak ditemukan lagi (dipindah atau dihapus?). Pilih berkas itu "
                "lagi."
            ).format(name=name),
            code="attachment.missing",
        ) from exc
    except IsADirectoryError as exc:
        raise AttachmentError(
            _("'{name}' adalah folder, bukan berkas.").format(name=name), code="attachment.not_file"
        ) from exc
    except PermissionError as exc:
        raise AttachmentError(
            _("Berkas '{name}' tidak dapat dibaca (izin ditolak).").format(name=name),
            code="attachment.unreadable",
        ) from exc
    if len(data) > max_bytes:
        raise AttachmentError(
            _("Berkas '{name}' terlalu besar.").format(name=name), code="attachment.too_large"
        )
    return prepare_bytes(data, name)


def prepare_bytes(data: bytes, name: str) -> PreparedFile:
    media_type = sniff_media_type(data[:16])
    if media_type is None:
        raise AttachmentError(
            _(
                "Berkas '{name}' bukan foto (JPEG, PNG, WebP) atau dokumen PDF. Hanya jenis itu yang "
                "dapat dilampirkan."
            ).format(name=name),
            code="attachment.unsupported_type",
        )
    if media_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentError(
                _(
                    "Dokumen PDF '{name}' rusak atau terpotong. Simpan ulang PDF itu lalu lampirkan "
                    "lagi."
                ).format(name=name),
                code="attachment.corrupt",
            )
        return PreparedFile(data, name, media_type)
    return _reencode_photo(data, name)


def _reencode_photo(data: bytes, name: str) -> PreparedFile:
    from PIL import Image, ImageOps, UnidentifiedImageError

    corrupt = AttachmentError(
        _("Foto '{name}' rusak dan tidak dapat dibaca. Ambil atau salin ulang foto itu.").format(
            name=name
        ),
        code="attachment.corrupt",
    )
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
                img.load()
                oriented = ImageOps.exif_transpose(img)
                rgb = oriented.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AttachmentError(
            _("Foto '{name}' berukuran piksel terlalu besar untuk diproses.").format(name=name),
            code="attachment.too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise corrupt from exc
    rgb.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    stem = os.path.splitext(name)[0] or "foto"
    return PreparedFile(out.getvalue(), f"{stem}.jpg", "image/jpeg", rgb.width, rgb.height)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
