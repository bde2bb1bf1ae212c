from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.errors import UserError
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.context import AppContext, open_context
from smartcity_desktop.services.records import RecordService
from smartcity_desktop.storage.errors import DiskFullError
from smartcity_desktop.storage.filetypes import MAX_PIXELS
from smartcity_desktop.storage.media import AttachmentError, PreparedFile
from tests.services.test_records import PROBLEM
from tests.storage.sample_files import large_png_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.postgres_ready


def photo(path: Path, size: tuple[int, int] = (3000, 2000)) -> Path:
    Image.new("RGB", size, (40, 90, 160)).save(path, "JPEG")
    return path


@pytest.fixture
def office(request: pytest.FixtureRequest, backend: str) -> AppContext:
    """The desa on SQLite; on PostgreSQL, where a desa never is, a kecamatan: it keeps its own
    records and their photos the same way (in the database there, storage/db_blobs.py)."""
    ctx: AppContext = request.getfixturevalue(
        "desa_ctx" if backend == "sqlite" else "kecamatan_ctx"
    )
    return ctx


@pytest.fixture
def record_id(office: AppContext) -> str:
    return RecordService(office).create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]


def test_a_photo_is_shrunk_stored_once_and_listed(
    office: AppContext, record_id: str, tmp_path: Path
) -> None:
    service = AttachmentService(office)
    source = photo(tmp_path / "IMG_001.JPG")
    service.attach_file(RecordKind.PROBLEM, record_id, source)
    service.attach_file(RecordKind.PROBLEM, record_id, source)
    items = service.for_record(record_id)
    assert len(items) == 2 and items[0].sha256 == items[1].sha256
    assert items[0].width == 1600 and items[0].is_image
    assert Image.open(items[0].path).size == (1600, 1067)
    assert len(list(office.paths.attachments.rglob("*.*"))) == 0  # blobs have no extension
    assert service.count() == 2


def test_removing_leaves_a_tombstone(office: AppContext, record_id: str, tmp_path: Path) -> None:
    service = AttachmentService(office)
    service.attach_file(RecordKind.PROBLEM, record_id, photo(tmp_path / "a.jpg"))
    attachment = service.for_record(record_id)[0]
    service.remove(attachment.id)
    assert service.for_record(record_id) == []
    with pytest.raises(UserError):
        service.remove(attachment.id)


def test_bad_files_change_nothing(office: AppContext, record_id: str, tmp_path: Path) -> None:
    service = AttachmentService(office)
    bad = tmp_path / "virus.exe"
    bad.write_bytes(b"MZ" + b"\x00" * 500)
    big = tmp_path / "besar.jpg"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    corrupt = tmp_path / "rusak.jpg"
    data = io.BytesIO()
    Image.new("RGB", (800, 600)).save(data, "JPEG")
    corrupt.write_bytes(data.getvalue()[:400])
    for path in (bad, big, corrupt, tmp_path / "sudah-dihapus.jpg"):
        with pytest.raises(AttachmentError):
            service.attach_file(RecordKind.PROBLEM, record_id, path)
    assert service.count() == 0
    assert not office.paths.attachments.exists() or not any(
        p.is_file() for p in office.paths.attachments.rglob("*")
    )


def test_a_file_that_disappears_between_choosing_and_attaching(
    office: AppContext, record_id: str, tmp_path: Path
) -> None:
    chosen = photo(tmp_path / "dipilih.jpg")
    chosen.unlink()  # moved away on the USB stick after the file dialog closed
    with pytest.raises(AttachmentError) as err:
        AttachmentService(office).attach_file(RecordKind.PROBLEM, record_id, chosen)
    assert err.value.code == "attachment.missing"


def test_a_full_disk_while_attaching_leaves_nothing(
    desa_ctx: AppContext, small_disk: Path, tmp_path: Path
) -> None:
    desa_ctx.close()
    target = small_disk / "desa"
    shutil.copytree(desa_ctx.paths.root, target)
    ctx = open_context(type(desa_ctx.paths)(target))
    try:
        record = RecordService(ctx).create(RecordKind.PROBLEM, PROBLEM, finalise=True).ids[0]
        service = AttachmentService(ctx)
        # fill the disk with attachments of random pixels until it refuses
        with pytest.raises(DiskFullError):
            for i in range(200):
                img = Image.effect_noise((1600, 1200), 120).convert("RGB")
                img.save(tmp_path / f"n{i}.png")
                service.attach_file(RecordKind.PROBLEM, record, tmp_path / f"n{i}.png")
        stored = service.count()
        blobs = [p for p in ctx.paths.attachments.rglob("*") if p.is_file()]
        assert len(blobs) == stored  # no orphan or partial blob
        assert not [p for p in blobs if p.name.startswith(".incoming")]
    finally:
        ctx.close()


def test_attachments_follow_their_record_when_finalised_and_deleted(
    office: AppContext, tmp_path: Path
) -> None:
    from smartcity_desktop.services.exchange import pending_counts

    records = RecordService(office)
    draft = records.create(RecordKind.PROBLEM, {"title": "draf dengan foto"}).ids[0]
    service = AttachmentService(office)
    service.attach_file(RecordKind.PROBLEM, draft, photo(tmp_path / "a.jpg"))
    assert pending_counts(office)["attachment"] == 0  # drafts do not travel
    records.update(RecordKind.PROBLEM, draft, PROBLEM)
    records.finalise(RecordKind.PROBLEM, draft)
    assert pending_counts(office)["attachment"] == 1
    records.delete(RecordKind.PROBLEM, draft)
    assert service.for_record(draft) == []
    assert service.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("surat-undangan.pdf.exe", "pdf", "surat-undangan.pdf"),
        ("Laporan.pdf.html", "pdf", "Laporan.pdf"),
        ("foto\u202egpj.exe", "png", "fotogpj.jpg"),
        ("CON", "pdf", "_CON.pdf"),
        ("NUL.txt", "png", "_NUL.jpg"),
    ],
)
def test_a_local_file_is_stored_under_a_safe_display_name(
    office: AppContext, record_id: str, tmp_path: Path, name: str, content: str, stored: str
) -> None:
    path = tmp_path / name
    path.write_bytes(pdf_bytes() if content == "pdf" else png_bytes())
    service = AttachmentService(office)
    service.attach_file(RecordKind.PROBLEM, record_id, path)
    (info,) = service.for_record(record_id)
    assert info.filename == stored


def test_a_prepared_file_with_an_unsafe_name_is_stored_safely(
    office: AppContext, record_id: str
) -> None:
    prepared = PreparedFile(pdf_bytes(), "lampiran\u202efdp.exe", "application/pdf")
    service = AttachmentService(office)
    service.attach_prepared(RecordKind.PROBLEM, record_id, prepared)
    assert [i.filename for i in service.for_record(record_id)] == ["lampiranfdp.pdf"]


def test_opening_gives_a_copy_named_by_hash_and_type(
    office: AppContext, record_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "surat-undangan.pdf.exe"
    source.write_bytes(pdf_bytes())
    service = AttachmentService(office)
    service.attach_file(RecordKind.PROBLEM, record_id, source)
    (info,) = service.for_record(record_id)
    opened = service.opened_copy(info.id)
    assert opened == office.paths.opened_copies / f"{info.sha256}.pdf"
    assert opened.read_bytes() == source.read_bytes()
    assert opened.stat().st_mode & 0o222 == 0  # read-only: a viewer cannot save into it
    assert service.opened_copy(info.id) == opened  # reused while it is intact
    opened.chmod(0o644)
    opened.write_bytes(b"MZ changed by someone")
    assert service.opened_copy(info.id).read_bytes() == source.read_bytes()


def test_an_old_row_whose_bytes_are_not_its_type_is_not_opened(
    office: AppContext, record_id: str
) -> None:
    # As an import before files were checked could have stored it.
    service = AttachmentService(office)
    service.attach_prepared(
        RecordKind.PROBLEM, record_id, PreparedFile(pdf_bytes(), "a.pdf", "application/pdf")
    )
    (info,) = service.for_record(record_id)
    sha, _new = office.blobs.put_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    with office.db.transaction() as session:
        session.execute(
            text("UPDATE attachment SET sha256 = :sha, filename = :name WHERE id = :id"),
            {"sha": sha, "name": "surat-undangan.pdf.exe", "id": info.id},
        )
    with pytest.raises(UserError) as err:
        service.opened_copy(info.id)
    assert err.value.code == "attachment.type_mismatch"
    assert "program Windows (EXE)" in str(err.value) and "surat-undangan.pdf" in str(err.value)
    assert not office.paths.opened_copies.exists() or not any(office.paths.opened_copies.iterdir())


def test_a_79_megapixel_png_is_refused_with_the_cap_named(
    office: AppContext, record_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "panorama.png"
    path.write_bytes(large_png_bytes(10_240, 7_728))
    service = AttachmentService(office)
    with pytest.raises(AttachmentError) as err:
        service.attach_file(RecordKind.PROBLEM, record_id, path)
    assert err.value.code == "attachment.too_many_pixels"
    assert f"batas {MAX_PIXELS // 1_000_000} megapiksel" in str(err.value)
    assert service.count() == 0


def test_names_stored_before_they_were_made_safe_are_shown_safely(
    office: AppContext, record_id: str
) -> None:
    service = AttachmentService(office)
    service.attach_prepared(
        RecordKind.PROBLEM, record_id, PreparedFile(pdf_bytes(), "a.pdf", "application/pdf")
    )
    with office.db.transaction() as session:
        session.execute(text("UPDATE attachment SET filename = 'laporan\u202efdp.exe'"))
    assert [i.filename for i in service.for_record(record_id)] == ["laporanfdp.pdf"]
