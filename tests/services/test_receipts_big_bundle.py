"""The receipt of a bundle whose records were counted, not all listed (a 200,000-row bundle)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.import_report import BundleReport, RecordOutcome
from smartcity_desktop.services.receipts import gather_receipt_data, write_receipt
from tests.conftest import DESA_CODE

pytestmark = pytest.mark.postgres_ready


def test_the_receipt_counts_every_record_not_only_the_listed_ones(
    kecamatan_ctx: AppContext,
) -> None:
    report = BundleReport(
        files=[Path("besar.scb")],
        status="imported",
        sender_office=DESA_CODE,
        sender_role="desa",
        sequence=3,
        created="2026-03-01T08:00:00+00:00",
        content_hash="ab" * 32,
        trust_level="locally_trusted",
        counts={"problem": 120_000, "proposal": 80_000},
        outcomes=[RecordOutcome("problem", "id-1", 1, "new", "Jalan rusak")],
        kind_actions={"problem": {"new": 119_999, "conflict": 1}, "proposal": {"new": 80_000}},
    )
    data = gather_receipt_data(kecamatan_ctx, report)
    assert data.actions == {"problem": {"new": 119_999, "conflict": 1}, "proposal": {"new": 80_000}}
    path = write_receipt(kecamatan_ctx, report)
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "119.999" in "".join(text.split()) or "119,999" in "".join(text.split())
