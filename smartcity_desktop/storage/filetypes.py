"""What an attachment's bytes really are, and the names it may be shown and opened under.

A declared media type and a file name are claims made by whoever made the file (a sender's row in a
bundle, a name on a USB stick); the bytes decide. Images are identified by Pillow from their header
alone (nothing is decoded, so the pixel caps apply before any memory is spent); PDFs by their
header, their trailer and a parsed cross-reference table and catalog (pypdf). Names are for display
only: an attachment is opened as ``<sha256>.<extension of its checked type>``, never under a name a
sender chose, so a file can never be started as a program.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from smartcity_desktop.i18n import N_, _

# The types an attachment may have, and the extension each is opened with.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
# Extensions a display name may keep for each type (any other is replaced).
NAME_EXTENSIONS: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({"jpg", "jpeg"}),
    "image/png": frozenset({"png"}),
    "image/webp": frozenset({"webp"}),
    "application/pdf": frozenset({"pdf"}),
}
PILLOW_FORMATS: dict[str, str] = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# The most pixels decoded at once: Pillow holds a decoded RGB or RGBA image at 4 bytes a pixel, so
# 50 MP is 200 MB, which with the process itself stays under 400 MB on a 4 GB office PC. No photo
# from a village reaches it: phones save photos as JPEG, which are decoded at 1/2 to 1/8 scale
# (see MAX_JPEG_PIXELS), and their PNG/WebP files are screenshots of a few megapixels. A photo made
# by this app is at most 1600 px wide, so no image in a bundle comes anywhere near it either.
MAX_PIXELS = 50_000_000
# A JPEG's own size may be larger, as it is decoded reduced (a 108 MP phone photo at 1/4 is 7 MP).
# Only a 200 MP camera mode passes it, and its files are mostly over the 30 MB file limit anyway.
MAX_JPEG_PIXELS = 175_000_000

MAX_NAME_CHARS = 255  # the column's size
DEFAULT_STEM = "lampiran"
# Names Windows keeps for devices, with or without an extension ("NUL.txt" is the device too).
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]}
)
_WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')
# Control, format (bidi overrides such as U+202E, zero-width characters), surrogate, private-use
# and unassigned characters, and line/paragraph separators: none belongs in a name on screen.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_TAIL = 2048  # a PDF's trailer (startxref, %%EOF) must be within its last 2 KiB

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identified:
    """What a file is. ``media_type`` is an accepted type whose structure checked out;
    ``claimed`` is the accepted type its first bytes announce, even when the rest is broken."""

    media_type: str | None
    claimed: str | None
    description: str  # in words, translated, for messages
    width: int | None = None
    height: int | None = None
    too_many_pixels: bool = False  # so large that Pillow would not even report its size

    @property
    def pixels(self) -> int | None:
        if self.width is None or self.height is None:
            return None
        return self.width * self.height

    def over(self, cap: int) -> bool:
        return self.too_many_pixels or (self.pixels or 0) > cap


def megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")


def pixel_size(found: Identified) -> str:
    """An image's size in words, for messages about the pixel caps."""
    if found.width is None or found.height is None:
        limit = 2 * (pillow().MAX_IMAGE_PIXELS or 0)
        return _("lebih dari {n} megapiksel").format(n=megapixels(limit))
    return _("{width}×{height} piksel ({n} megapiksel)").format(
        width=found.width, height=found.height, n=megapixels(found.width * found.height)
    )


def type_label(media_type: str) -> str:
    """An accepted type in words."""
    return _(_LABELS[media_type])


_LABELS = {
    "image/jpeg": N_("foto JPEG"),
    "image/png": N_("gambar PNG"),
    "image/webp": N_("gambar WebP"),
    "application/pdf": N_("dokumen PDF"),
}

# Only to tell the user what a refused file is; the verdict itself comes from Pillow and the PDF
# parser. Checked in order on the first bytes.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", N_("program Windows (EXE)")),
    (b"\x7fELF", N_("program Linux (ELF)")),
    (b"\xcf\xfa\xed\xfe", N_("program macOS")),
    (b"\xce\xfa\xed\xfe", N_("program macOS")),
    (b"\xca\xfe\xba\xbe", N_("program macOS")),
    (b"#!", N_("skrip (program)")),
    (b"L\x00\x00\x00\x01\x14\x02\x00", N_("pintasan Windows (LNK)")),
    (b"PK\x03\x04", N_("arsip ZIP (atau dokumen Office)")),
    (b"PK\x05\x06", N_("arsip ZIP (atau dokumen Office)")),
    (b"Rar!\x1a\x07", N_("arsip RAR")),
    (b"7z\xbc\xaf\x27\x1c", N_("arsip 7z")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("dokumen Office lama (dapat berisi makro)")),
    (b"{\\rtf", N_("dokumen RTF")),
    (b"GIF8", N_("gambar GIF")),
    (b"II*\x00", N_("gambar TIFF")),
    (b"MM\x00*", N_("gambar TIFF")),
)
_TEXT_STARTS: tuple[tuple[str, str], ...] = (
    ("<?xml", N_("dokumen XML")),
    ("@echo", N_("skrip perintah Windows (BAT/CMD)")),
)
_HTML_MARKS = ("<!doctype html", "<html", "<script", "<iframe", "<body")


def _claimed_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def describe_other(head: bytes) -> str:
    """What a file that is none of the accepted types seems to be, in words."""
    if not head:
        return _("berkas kosong")
    for magic, label in _SIGNATURES:
        if head.startswith(magic):
            return _(label)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1").lower()
    if any(mark in text for mark in _HTML_MARKS):
        return _("halaman web (HTML)")
    if "<svg" in text:
        return _("gambar SVG (dapat berisi skrip)")
    for start, label in _TEXT_STARTS:
        if text.startswith(start):
            return _(label)
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
                return _("berkas jenis tak dikenal")
        return _("berkas teks")
    return _("berkas jenis tak dikenal")


def identify(fh: IO[bytes]) -> Identified:
    """Identify a seekable binary stream from its bytes. Nothing is decoded: images are opened by
    Pillow for their header only; a PDF's trailer, cross-reference table and catalog are parsed."""
    fh.seek(0)
    head = fh.read(512)
    fh.seek(0)
    claimed = _claimed_type(head)
    if claimed is None:
        return Identified(None, None, describe_other(head))
    if claimed == "application/pdf":
        if _is_pdf(fh):
            return Identified(claimed, claimed, type_label(claimed))
        return Identified(None, claimed, _("dokumen PDF yang rusak atau tidak utuh"))
    return _identify_image(fh, claimed)


def identify_file(path: Path) -> Identified:
    with path.open("rb") as fh:
        return identify(fh)


def identify_bytes(data: bytes) -> Identified:
    return identify(io.BytesIO(data))


def _identify_image(fh: IO[bytes], claimed: str) -> Identified:
    Image = pillow()
    try:
        # Only the claimed format's plugin may read it, and only its header is parsed here.
        with Image.open(fh, formats=[PILLOW_FORMATS[claimed]]) as img:
            width, height = img.size
    except Image.DecompressionBombError:
        return Identified(claimed, claimed, type_label(claimed), too_many_pixels=True)
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        width = height = 0
    if width < 1 or height < 1:
        return Identified(None, claimed, _("{what} yang rusak").format(what=type_label(claimed)))
    return Identified(claimed, claimed, type_label(claimed), width, height)


def _is_pdf(fh: IO[bytes]) -> bool:
    size = fh.seek(0, io.SEEK_END)
    fh.seek(max(0, size - _TAIL))
    tail = fh.read()
    fh.seek(0)
    if b"%%EOF" not in tail or b"startxref" not in tail:
        return False
    PdfReader = _pdf_reader()
    try:
        reader = PdfReader(fh, strict=False)
        if "/Root" not in reader.trailer:
            return False
        if reader.is_encrypted:
            return True  # its structure was read; its objects are locked, which is not damage
        root = reader.trailer["/Root"]
        return isinstance(root, dict) and "/Pages" in root
    except Exception:  # any failure of the parser on hostile bytes means "not a PDF"
        log.debug("PDF structure check failed", exc_info=True)
        return False
    finally:
        fh.seek(0)


@cache
def pillow() -> Any:
    """Pillow's Image module, loaded on first use (``smartcity --help`` must not load it)."""
    from PIL import Image

    # The caps above decide, before decoding. Pillow's own check (a warning above this, a refusal
    # above twice this) is moved past the largest of them, so it only meets absurd images.
    Image.MAX_IMAGE_PIXELS = MAX_JPEG_PIXELS
    return Image


@cache
def _pdf_reader() -> Any:
    from pypdf import PdfReader

    # Repairs and oddities pypdf tolerates are not the user's business; the verdict is ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return PdfReader


# --- names ---------------------------------------------------------------------------------------


def visible_name(name: str) -> str:
    """``name`` without the characters that hide what it says (bidi overrides, controls):
    "foto\\u202egpj.exe", shown as "fotoexe.jpg", becomes "fotogpj.exe"."""
    text = unicodedata.normalize("NFC", name)
    kept = []
    for char in text:
        if char.isspace():  # tabs and line breaks too: a name is one line
            kept.append(" ")
        elif unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            kept.append(char)
    return " ".join("".join(kept).split())


def safe_display_name(name: str, media_type: str) -> str:
    """The name an attachment of ``media_type`` is shown with: visible characters only, nothing
    Windows refuses or treats as a device, and the extension of its type. A real PDF named
    "x.pdf.exe" becomes "x.pdf"; "NUL.txt" holding a JPEG becomes "_NUL.jpg". Applying it again
    changes nothing."""
    allowed = NAME_EXTENSIONS[media_type]
    text = "".join("_" if c in _WINDOWS_FORBIDDEN else c for c in visible_name(name))
    text = text.strip(" .")
    stem, dot, last = text.rpartition(".")
    if dot and _is_extension(last):
        if last.lower() in allowed:
            return _finish(stem, last.lower())
        # A wrong extension goes; one right extension before it may stay ("x.pdf.exe" -> "x.pdf").
        text = stem.rstrip(" .")
        inner_stem, inner_dot, inner = text.rpartition(".")
        if inner_dot and inner.lower() in allowed:
            return _finish(inner_stem, inner.lower())
    return _finish(text, EXTENSIONS[media_type])


def _is_extension(text: str) -> bool:
    return (
        0 < len(text) <= 10 and text.isascii() and text.isalnum() and any(c.isalpha() for c in text)
    )


def _finish(stem: str, extension: str) -> str:
    stem = stem.strip(" .")[: MAX_NAME_CHARS - len(extension) - 2].rstrip(" .") or DEFAULT_STEM
    if stem.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_RESERVED:
        stem = "_" + stem
    return f"{stem}.{extension}"


def opened_name(sha256: str, media_type: str) -> str:
    """The only name an attachment is handed to the operating system under."""
    return f"{sha256}.{EXTENSIONS[media_type]}"
