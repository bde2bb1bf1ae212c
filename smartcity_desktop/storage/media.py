"""Checking and preparing attachment files: photos are re-encoded, PDFs kept as they are.

Photos from phones are often 4000 px and several MB; villages send bundles over weak connections, so
each photo is shrunk to at most 1600 px JPEG with its EXIF orientation applied (and its other EXIF,
which may hold the phone owner's details, dropped).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.storage.filetypes import (
    MAX_JPEG_PIXELS,
    MAX_PIXELS,
    PILLOW_FORMATS,
    Identified,
    identify_bytes,
    megapixels,
    pillow,
    pixel_size,
    safe_display_name,
    visible_name,
)

MAX_INPUT_BYTES = 30 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
JPEG_QUALITY = 85
STRIP_PIXELS = 4_000_000  # converted at a time while shrinking: 16 MB as RGB
ORIENTATION_TAG = 0x0112
# EXIF orientation -> the transposition that undoes it (as ImageOps.exif_transpose does).
_TRANSPOSE = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}


class AttachmentError(UserError):
    code = "attachment.invalid"


@dataclass(frozen=True)
class PreparedFile:
    data: bytes
    filename: str
    media_type: str
    width: int | None = None
    height: int | None = None


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
    found = identify_bytes(data)
    if found.claimed is None:
        raise AttachmentError(
            _(
                "Berkas '{name}' bukan foto (JPEG, PNG, WebP) atau dokumen PDF. Hanya jenis itu yang "
                "dapat dilampirkan."
            ).format(name=visible_name(name)),
            code="attachment.unsupported_type",
        )
    if found.claimed == "application/pdf":
        if found.media_type is None:
            raise AttachmentError(
                _(
                    "Dokumen PDF '{name}' rusak atau terpotong. Simpan ulang PDF itu lalu lampirkan "
                    "lagi."
                ).format(name=visible_name(name)),
                code="attachment.corrupt",
            )
        return PreparedFile(data, safe_display_name(name, found.media_type), found.media_type)
    if found.media_type is None:
        raise _corrupt_photo(name)
    _check_source_pixels(found, name)
    return _reencode_photo(data, name, found)


def _corrupt_photo(name: str) -> AttachmentError:
    return AttachmentError(
        _("Foto '{name}' rusak dan tidak dapat dibaca. Ambil atau salin ulang foto itu.").format(
            name=visible_name(name)
        ),
        code="attachment.corrupt",
    )


def too_many_pixels(name: str, found: Identified, cap: int) -> str:
    """The refusal of a photo over ``cap`` pixels, naming the cap."""
    text = _(
        "Foto '{name}' berukuran {size}, lebih dari batas {cap} megapiksel untuk {what}."
    ).format(
        name=visible_name(name),
        size=pixel_size(found),
        cap=megapixels(cap),
        what=found.description,
    )
    if found.media_type == "image/jpeg":
        return text + " " + _("Perkecil foto itu lalu lampirkan lagi.")
    return text + " " + _("Simpan foto itu sebagai JPEG atau perkecil, lalu lampirkan lagi.")


def _check_source_pixels(found: Identified, name: str) -> None:
    # JPEGs are decoded at a reduced scale (draft), PNG and WebP only in full.
    cap = MAX_JPEG_PIXELS if found.media_type == "image/jpeg" else MAX_PIXELS
    if found.over(cap):
        raise AttachmentError(too_many_pixels(name, found, cap), code="attachment.too_many_pixels")


def _reencode_photo(data: bytes, name: str, found: Identified) -> PreparedFile:
    Image = pillow()
    assert found.media_type is not None
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[found.media_type]]) as img:
            width, height = img.size
            final = _fit(width, height, PHOTO_MAX_SIDE)
            # JPEG decodes at 1/2..1/8 scale directly, never below the final size; other formats
            # ignore this.
            img.draft("RGB", final)
            if img.width * img.height > MAX_PIXELS:
                decoded = replace(found, width=img.width, height=img.height)
                raise AttachmentError(
                    too_many_pixels(name, decoded, MAX_PIXELS), code="attachment.too_many_pixels"
                )
            img.load()
            orientation = img.getexif().get(ORIENTATION_TAG, 1)
            small = _reduced_rgb(Image, img, final)
    except AttachmentError:
        raise
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt_photo(name) from exc
    small.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    method = _TRANSPOSE.get(orientation)
    if method is not None:
        small = small.transpose(Image.Transpose[method])
    out = io.BytesIO()
    small.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedFile(
        out.getvalue(),
        safe_display_name(name, "image/jpeg"),
        "image/jpeg",
        small.width,
        small.height,
    )


def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _reduced_rgb(Image: Any, img: Any, final: tuple[int, int]) -> Any:
    """``img`` as RGB, shrunk by a whole factor to about twice ``final``, one strip of rows at a
    time: converting or premultiplying the whole decoded image would hold a second full copy
    (a 50 MP RGBA PNG would need 400 MB instead of 200 MB)."""
    width, height = img.size
    factor = max(1, math.ceil(min(width / (2 * final[0]), height / (2 * final[1]))))
    out = Image.new("RGB", (math.ceil(width / factor), math.ceil(height / factor)))
    rows = factor * max(1, STRIP_PIXELS // (width * factor))
    for top in range(0, height, rows):
        strip = _rgb(Image, img.crop((0, top, width, min(height, top + rows))))
        if factor > 1:
            strip = strip.reduce(factor)
        out.paste(strip, (0, top // factor))
    return out


def _rgb(Image: Any, strip: Any) -> Any:
    """A strip as RGB; transparent parts are laid on white, as a viewer shows them."""
    if strip.mode == "RGB":
        return strip
    if strip.mode in ("RGBA", "LA", "PA") or (strip.mode == "P" and "transparency" in strip.info):
        rgba = strip.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return strip.convert("RGB")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
