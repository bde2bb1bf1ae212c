"""The attachment service, unchanged, on an office whose database is PostgreSQL: photos go into
the database (storage/db_blobs.py) and a second analyst PC, with an empty attachments folder,
lists and opens them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from smartcity_desktop.domain.fields import RecordKind
from smartcity_desktop.services.attachments import AttachmentService
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.database import Database
from smartcity_desktop.storage.db_blobs import DatabaseBlobStore, blob_table
from smartcity_desktop.storage.migrations import head_revision
from smartcity_desktop.storage.models import Problem
from smartcity_desktop.storage.paths import DataPaths
from tests.conftest import KABUPATEN_CODE
from tests.pg_scratch import fill_as_office, scratch_database
from tests.storage.test_db_blobs import run_migration_0013

RECORD = "11111111-1111-4111-8111-111111111111"


@pytest.fixture
def office_url() -> Iterator[URL]:
    with scratch_database() as url:
        fill_as_office(
            url,
            code=KABUPATEN_CODE,
            role="kabupaten",
            name="Kabupaten Uji",
            revision=head_revision(),
        )
        engine = create_engine(url, poolclass=NullPool)
        run_migration_0013(engine)
        now = datetime(2026, 12, 1, 8, 0)
        with Session(engine) as session, session.begin():
            session.add(
                Problem(
                    id=RECORD,
                    office_code=KABUPATEN_CODE,
                    revision=0,
                    status="draft",
                    deleted=False,
                    content_hash="0" * 64,
                    created_at=now,
                    updated_at=now,
                    author="Analis",
                    title="Jalan rusak",
                )
            )
        engine.dispose()
        yield url


def analyst_pc(url: URL, folder: Path) -> AppContext:
    db = Database(folder / "-", create_engine(url))
    db._checked = True  # the SQLite page check has no file to read on a server
    return AppContext(paths=DataPaths(folder), db=db)


def test_a_photo_attached_on_one_pc_is_seen_and_opened_on_another(
    office_url: URL, tmp_path: Path
) -> None:
    source = tmp_path / "IMG_0001.JPG"
    Image.new("RGB", (2400, 1600), (40, 90, 160)).save(source, "JPEG")
    first = analyst_pc(office_url, tmp_path / "pc1")
    second = analyst_pc(office_url, tmp_path / "pc2")
    try:
        assert isinstance(first.blobs, DatabaseBlobStore)
        service = AttachmentService(first)
        service.attach_file(RecordKind.PROBLEM, RECORD, source)
        service.attach_file(RecordKind.PROBLEM, RECORD, source)  # the same photo again
        with first.db.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(blob_table)) == 1

        assert not (tmp_path / "pc2" / "attachments").exists()
        items = AttachmentService(second).for_record(RECORD)
        assert len(items) == 2 and items[0].sha256 == items[1].sha256
        assert items[0].path.is_file()  # fetched into this PC's cache
        assert Image.open(items[0].path).size == (1600, 1067)
        opened = AttachmentService(second).opened_copy(items[0].id)
        assert opened.read_bytes() == items[0].path.read_bytes()
    finally:
        first.close()
        second.close()
